//! Helpers shared by the examples: output directory, PNG writing and small charts.
//!
//! Charts are drawn by plotters into an RGB buffer (pure Rust, no system font library: the
//! text uses a subset of DejaVu Sans shipped in `examples/data/`) and saved by the `image`
//! crate.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// A subset of DejaVu Sans (Latin, Greek, sub/superscripts, math operators); see
/// `examples/data/README.md`.
static FONT: &[u8] = include_bytes!("../data/DejaVuSans-subset.ttf");

/// Font family name used by the charts.
pub const FONT_FAMILY: &str = "sans-serif";

/// Registers the shipped font with plotters (once).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_err() {
            eprintln!("warning: could not load the chart font; charts will have no text");
        }
    });
}

/// Path of a file in the repository (the examples run from any directory).
pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `target/examples-out/<name>/` under the repository, created if needed.
pub fn out_dir(name: &str) -> PathBuf {
    let dir = repo_path("target/examples-out").join(name);
    std::fs::create_dir_all(&dir).expect("cannot create the output directory");
    dir
}

/// Writes an RGB buffer (`w·h·3` bytes, row-major) as a PNG (best compression: the charts
/// are small files).
pub fn save_rgb(path: &Path, buf: Vec<u8>, w: u32, h: u32) {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    assert_eq!(buf.len(), (w * h * 3) as usize, "buffer has w·h·3 bytes");
    let file = std::fs::File::create(path)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    PngEncoder::new_with_quality(
        std::io::BufWriter::new(file),
        CompressionType::Best,
        FilterType::Adaptive,
    )
    .write_image(&buf, w, h, image::ExtendedColorType::Rgb8)
    .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// One line of a line chart.
pub struct Series<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Points `(x, y)`.
    pub points: Vec<(f64, f64)>,
    /// Line colour.
    pub color: RGBColor,
}

/// Chart options.
pub struct LineChart<'a> {
    /// Title above the plot.
    pub title: &'a str,
    /// x-axis description.
    pub x_label: &'a str,
    /// y-axis description.
    pub y_label: &'a str,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// Points to mark with a circle (drawn in the colour of the first series).
    pub marks: Vec<(f64, f64)>,
}

/// Draws a line chart of `series` into a `w×h` PNG at `path`.
pub fn line_chart(path: &Path, opts: &LineChart, series: &[Series], (w, h): (u32, u32)) {
    register_font();
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).unwrap();
        let pts = series.iter().flat_map(|s| s.points.iter());
        let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
        for &(x, y) in pts {
            if opts.log_y && y <= 0.0 {
                continue;
            }
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        let mut chart = ChartBuilder::on(&root);
        chart
            .caption(opts.title, (FONT_FAMILY, 22))
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(70);
        let font = (FONT_FAMILY, 16);
        if opts.log_y {
            let mut c = chart
                .build_cartesian_2d(x0..x1, (y0 * 0.8..y1 * 1.25).log_scale())
                .unwrap();
            c.configure_mesh()
                .x_desc(opts.x_label)
                .y_desc(opts.y_label)
                .label_style(font)
                .axis_desc_style(font)
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| format!("{v:.0e}"))
                .draw()
                .unwrap();
            draw_series(&mut c, opts, series);
        } else {
            let pad = 0.05 * (y1 - y0).max(f64::MIN_POSITIVE);
            let mut c = chart
                .build_cartesian_2d(x0..x1, (y0 - pad).min(0.0)..y1 + pad)
                .unwrap();
            c.configure_mesh()
                .x_desc(opts.x_label)
                .y_desc(opts.y_label)
                .label_style(font)
                .axis_desc_style(font)
                .x_label_formatter(&|v| format!("{v:.0}"))
                .draw()
                .unwrap();
            draw_series(&mut c, opts, series);
        }
        root.present().unwrap();
    }
    save_rgb(path, buf, w, h);
}

fn draw_series<'a, DB, X, Y>(
    c: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    opts: &LineChart,
    series: &[Series],
) where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for s in series {
        let color = s.color;
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|&(_, y)| !opts.log_y || y > 0.0)
            .collect();
        c.draw_series(LineSeries::new(pts, color.stroke_width(2)))
            .unwrap()
            .label(s.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    if let Some(first) = series.first() {
        let color = first.color;
        c.draw_series(
            opts.marks
                .iter()
                .map(|&p| Circle::new(p, 5, color.filled())),
        )
        .unwrap();
    }
    c.configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT_FAMILY, 16))
        .draw()
        .unwrap();
}

/// A group of points of one colour in a scatter chart.
pub struct Group<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Points `(x, y)`.
    pub points: Vec<(f64, f64)>,
    /// Marker colour.
    pub color: RGBColor,
}

/// Draws a scatter chart of `groups` into a `w×h` PNG at `path`.
pub fn scatter_chart(
    path: &Path,
    title: &str,
    (x_label, y_label): (&str, &str),
    groups: &[Group],
    (w, h): (u32, u32),
) {
    register_font();
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).unwrap();
        let all = groups.iter().flat_map(|g| g.points.iter());
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for &(x, y) in all {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        let (px, py) = (0.08 * (x1 - x0), 0.08 * (y1 - y0));
        let mut c = ChartBuilder::on(&root)
            .caption(title, (FONT_FAMILY, 22))
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(56)
            .build_cartesian_2d(x0 - px..x1 + px, y0 - py..y1 + py)
            .unwrap();
        let font = (FONT_FAMILY, 16);
        c.configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .label_style(font)
            .axis_desc_style(font)
            .draw()
            .unwrap();
        for g in groups {
            let color = g.color;
            c.draw_series(g.points.iter().map(|&p| Circle::new(p, 4, color.filled())))
                .unwrap()
                .label(g.label)
                .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
        }
        c.configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT_FAMILY, 16))
            .draw()
            .unwrap();
        root.present().unwrap();
    }
    save_rgb(path, buf, w, h);
}

/// Writes `text` at pixel `(x, y)` of an RGB buffer (`w×h`), for captions on image montages.
pub fn caption(buf: &mut [u8], (w, h): (u32, u32), text: &str, (x, y): (i32, i32)) {
    register_font();
    let root = BitMapBackend::with_buffer(buf, (w, h)).into_drawing_area();
    root.draw(&Text::new(
        text.to_string(),
        (x, y),
        (FONT_FAMILY, 18).into_font().color(&BLACK),
    ))
    .unwrap();
    root.present().unwrap();
}

/// Formats a matrix as aligned rows with `prec` decimals (tiny entries shown as 0).
pub fn matrix_rows(m: &ndarray::Array2<f64>, width: usize, prec: usize) -> Vec<String> {
    let tiny = 1e-14 * m.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    m.rows()
        .into_iter()
        .map(|row| {
            row.iter()
                .map(|&x| format!("{:>width$.prec$}", if x.abs() <= tiny { 0.0 } else { x }))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}
