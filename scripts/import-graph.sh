#!/usr/bin/env bash
# Module import graph of src/: every `crate::…` path (in `use` lines, grouped `use crate::{…}`
# and inline paths), resolved to the file that defines the module it names.
#
#   scripts/import-graph.sh            edges between top-level modules, cycles, upward imports
#   scripts/import-graph.sh --files    the same at file granularity (src/decomp/lu.rs, …)
#
# Test code (`#[cfg(test)] mod tests { … }` at the end of a file) is left out: it may use
# `testing` and the root re-exports. Exit status 1 when an upward import from src/lapack/
# (anything but lapack, scalar, error) or from src/decomp/ into verify-or-above is found.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import os, re, sys
files_mode = "--files" in sys.argv
src = "src"
def module_of(path):
    rel = os.path.relpath(path, src)
    parts = rel[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return parts
files = {}
for root, _, names in os.walk(src):
    for n in names:
        if n.endswith(".rs") and "bin" not in root.split(os.sep):
            p = os.path.join(root, n)
            files[tuple(module_of(p))] = p
# The root's `pub use a::b::{X, Y}` re-exports: `crate::X` is really `crate::a::b::X`.
reexports = {}
for m in re.finditer(r"^pub use ([\w:]+?)(?:::\{([^}]*)\}|::(\w+));", open(os.path.join(src, "lib.rs")).read(), re.M):
    base = m.group(1).split("::")
    for item in (m.group(2).split(",") if m.group(2) else [m.group(3)]):
        item = item.strip()
        if item:
            reexports[item] = base
def resolve(segs):
    """Longest module prefix of segs that is a file (through the root re-exports)."""
    if segs and segs[0] in reexports and (segs[0],) not in files:
        segs = reexports[segs[0]] + segs
    for k in range(len(segs), 0, -1):
        if tuple(segs[:k]) in files:
            return tuple(segs[:k])
    return ()  # the crate root (re-exports)
def strip_tests(text):
    m = re.search(r"#\[cfg\(test\)\]\s*(pub(\(crate\))?\s+)?mod\s+\w+\s*\{", text)
    return text[: m.start()] if m else text
def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(l.split("//")[0] for l in text.splitlines())
def grouped(body):
    """Top-level paths inside a `{…}` use group."""
    out, depth, cur = [], 0, ""
    for ch in body:
        if ch == "{": depth += 1
        if ch == "}": depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip()); cur = ""
        else:
            cur += ch
    if cur.strip(): out.append(cur.strip())
    paths = []
    for item in out:
        m = re.match(r"([A-Za-z_][\w]*(?:::[A-Za-z_]\w*)*)(?:::\{(.*)\})?", item, re.S)
        if not m: continue
        head = m.group(1).split("::")
        if m.group(2) is not None:
            for sub in grouped(m.group(2)):
                paths.append(head + sub)
        else:
            paths.append(head)
    return paths
edges = {}
root_imports = {}
name_of = lambda m: files[m]
for mod, path in files.items():
    text = strip_comments(strip_tests(open(path).read()))
    targets = []
    for m in re.finditer(r"crate::\{", text):
        i, depth = m.end(), 1
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0); i += 1
        targets += grouped(text[m.end(): i - 1])
    for m in re.finditer(r"crate((?:::[A-Za-z_]\w*)+)", text):
        targets.append(m.group(1).split("::")[1:])
    for t in targets:
        tgt = resolve([s for s in t if s != "self"])
        if not files_mode:
            a, b = mod[:1], tgt[:1]
        else:
            a, b = mod, tgt
        if mod and t and (t[0],) not in files and t[0] != "self":
            root_imports.setdefault(name_of(mod), set()).add(t[0])
        if a != b and b:
            edges.setdefault(a, set()).add(b)
def name(m): return files[m] if files_mode else (m[0] if m else "lib")
# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
nodes = set(edges) | {w for ws in edges.values() for w in ws}
for v in sorted(nodes):
    if v not in index: visit(v)
print("edges:")
for a in sorted(edges):
    print(f"  {name(a)} -> {', '.join(sorted(name(b) for b in edges[a]))}")
print(f"cycles: {len(sccs)}")
for c in sccs:
    print(f"  {len(c)} modules: {' '.join(sorted(name(m) for m in c))}")
floor = {"lapack", "scalar", "error", "int"}
decomp_ok = floor | {"decomp", "layout", "numeric", "random"}
bad = 0
for a in sorted(edges):
    for b in sorted(edges[a]):
        if a[:1] == ("lapack",) and b[0] not in floor:
            print(f"upward import from lapack/: {name(a)} -> {name(b)}"); bad += 1
        if a[:1] == ("decomp",) and b[0] not in decomp_ok:
            print(f"upward import from decomp/: {name(a)} -> {name(b)}"); bad += 1
        if b[:1] == ("testing",) and a[:1] != ("testing",):
            print(f"algorithm imports testing: {name(a)} -> {name(b)}"); bad += 1
print(f"upward imports: {bad}")
print("imports through the root re-exports (counted as edges above; STYLE.md §1 asks for the defining module):")
for f in sorted(root_imports):
    print(f"  {f}: {', '.join(sorted(root_imports[f]))}")
sys.exit(1 if bad else 0)
PY
