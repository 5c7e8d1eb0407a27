#!/usr/bin/env python3
"""Re-appends docs/bench/*.md to docs/benchmarks.md exactly as peers/src/bin/bench_report.rs
does, for when only a section changed (no need to rerun the criterion benchmarks)."""
import glob, pathlib
out = pathlib.Path("docs/benchmarks.md")
text = out.read_text()
cut = text.find("\n<!-- from docs/bench/")
head = text if cut < 0 else text[:cut]
parts = [head.rstrip("\n") + "\n"]
for p in sorted(glob.glob("docs/bench/*.md")):
    parts.append(f"\n<!-- from {p} -->\n\n" + pathlib.Path(p).read_text().rstrip() + "\n")
out.write_text("".join(parts))
