//! A radar chart of an assessment as a self-contained SVG document.
//!
//! One axis per competency, the stage bands as shaded rings, the firm's scores as a
//! filled shape, and the threshold of the next level as a dashed ring, so that the
//! competencies still short of it stand out (their points are drawn in the warning
//! colour). For a group assessment, a bar on each axis shows the range of the
//! respondents' scores. Competencies without a score are marked "no score" at the centre.
//! The SVG is written by hand: no fonts, scripts or external files.
//!
//! ```
//! use cocreate_maturity::{radar::RadarChart, MaturityModel};
//!
//! let model = MaturityModel::builtin();
//! let mut sheet = model.sheet("cx-lead").answer("gate.programme", true)?;
//! for item in model.items() {
//!     sheet = sheet.answer(item.id(), 3)?;
//! }
//! let result = model.assess(&sheet.build()?)?;
//! let svg = RadarChart::new(&result).title("Harbour Dental").to_svg();
//! assert!(svg.starts_with("<svg"));
//! assert!(svg.contains("Harbour Dental"));
//! assert!(svg.contains("Threshold of level 4"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::f64::consts::PI;
use std::fmt::Write;

use crate::assessment::{Assessment, Placement};
use crate::gap::GapAnalysis;
use crate::inputs::points_to;
use crate::text::plural;

const WIDTH: f64 = 1130.0;
const HEIGHT: f64 = 860.0;
const CX: f64 = 432.0;
const CY: f64 = 490.0;
const RADIUS: f64 = 205.0;
/// The level ladder on the right.
const LADDER_X: f64 = 870.0;
const LADDER_W: f64 = 230.0;
const LADDER_TOP: f64 = 200.0;
const LADDER_H: f64 = 470.0;
const FONT: &str = "Helvetica, Arial, sans-serif";
const INK: &str = "#1f2937";
const MUTED: &str = "#6b7280";
const SCORE: &str = "#2563eb";
const SHORT: &str = "#dc6b19";
const MET: &str = "#15803d";
const BANDS: [&str; 2] = ["#f3f4f6", "#e5e7eb"];

/// Builds the SVG radar chart of an [`Assessment`].
///
/// ```
/// # use cocreate_maturity::{radar::RadarChart, MaturityModel};
/// # let model = MaturityModel::builtin();
/// # let s = model.sheet("a").answer("gate.programme", true)?.build()?;
/// let svg = RadarChart::new(&model.assess(&s)?).to_svg();
/// assert!(svg.contains("no score")); // no competency was answered
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RadarChart<'a> {
    assessment: &'a Assessment,
    title: Option<String>,
}

impl<'a> RadarChart<'a> {
    /// A chart of this assessment.
    ///
    /// ```
    /// # use cocreate_maturity::{radar::RadarChart, MaturityModel};
    /// # let model = MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let a = model.assess(&s)?;
    /// assert!(RadarChart::new(&a).to_svg().contains("Level 0 · Non-existent"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(assessment: &'a Assessment) -> Self {
        RadarChart {
            assessment,
            title: None,
        }
    }

    /// Sets the heading (for example the firm's name); the level follows it.
    ///
    /// ```
    /// # use cocreate_maturity::{radar::RadarChart, MaturityModel};
    /// # let model = MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let a = model.assess(&s)?;
    /// assert!(RadarChart::new(&a).title("A & B").to_svg().contains("A &amp; B"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// The chart as an SVG document.
    ///
    /// ```
    /// # use cocreate_maturity::{radar::RadarChart, MaturityModel};
    /// # let model = MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let svg = RadarChart::new(&model.assess(&s)?).to_svg();
    /// assert!(svg.trim_end().ends_with("</svg>"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_svg(&self) -> String {
        let a = self.assessment;
        let inputs = &a.inputs;
        let n = a.competencies.len().max(1);
        let gaps = a.gaps();
        let target_bound = gaps.target.and_then(|t| inputs.lower_bound(t));
        let mut svg = String::with_capacity(16 * 1024);
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}">"#
        );
        svg.push('\n');
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);

        // Heading.
        let level = match (a.level(), a.level_name()) {
            (Some(l), Some(name)) => format!("Level {l} · {name}"),
            _ => "Level undetermined".to_string(),
        };
        let heading = self
            .title
            .as_deref()
            .unwrap_or("Customer-experience maturity");
        text(&mut svg, 40.0, 50.0, 26.0, INK, "start", "bold", heading);
        text(&mut svg, 40.0, 84.0, 22.0, SCORE, "start", "bold", &level);
        for (k, line) in subtitle(a, &gaps).iter().enumerate() {
            text(
                &mut svg,
                40.0,
                112.0 + 20.0 * k as f64,
                14.5,
                MUTED,
                "start",
                "normal",
                line,
            );
        }

        // Stage bands, outermost first so that inner ones paint over them.
        let stages = &inputs.stages;
        for (i, stage) in stages.iter().enumerate().rev() {
            let upper = stages.get(i + 1).map_or(100.0, |s| s.lower_bound);
            let _ = writeln!(
                svg,
                r#"<polygon points="{}" fill="{}" stroke="white" stroke-width="1.5"/>"#,
                ring(n, upper),
                BANDS[i % 2]
            );
            if stage.lower_bound > 0.0 {
                let _ = writeln!(
                    svg,
                    r##"<polygon points="{}" fill="none" stroke="#d1d5db" stroke-width="1"/>"##,
                    ring(n, stage.lower_bound)
                );
            }
        }
        // Axes.
        for i in 0..n {
            let (x, y) = point(n, i, 100.0);
            let _ = writeln!(
                svg,
                r##"<line x1="{CX}" y1="{CY}" x2="{x:.1}" y2="{y:.1}" stroke="#cbd5e1" stroke-width="1"/>"##
            );
        }
        // The band bounds, written on the rings between the last and the first axis.
        for bound in stages
            .iter()
            .map(|s| s.lower_bound)
            .filter(|b| *b > 0.0)
            .chain([100.0])
        {
            let (x1, y1) = point(n, n - 1, bound);
            let (x2, y2) = point(n, 0, bound);
            let (x, y) = if n > 2 {
                ((x1 + x2) / 2.0, (y1 + y2) / 2.0)
            } else {
                (x2 - 14.0, y2)
            };
            text(
                &mut svg,
                x,
                y + 4.0,
                11.0,
                "#9ca3af",
                "middle",
                "normal",
                &format!("{bound:.0}"),
            );
        }
        // Spread across respondents.
        for (i, c) in a.competencies.iter().enumerate() {
            if let Some(ag) = c.agreement.filter(|ag| ag.respondents > 1) {
                let (x1, y1) = point(n, i, ag.min);
                let (x2, y2) = point(n, i, ag.max);
                let _ = writeln!(
                    svg,
                    r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{SCORE}" stroke-opacity="0.2" stroke-width="7" stroke-linecap="round"/>"#
                );
            }
        }
        // The next level's threshold.
        if let Some(bound) = target_bound.filter(|b| *b > 0.0) {
            let _ = writeln!(
                svg,
                r#"<polygon points="{}" fill="none" stroke="{SHORT}" stroke-width="2.5" stroke-dasharray="9 6"/>"#,
                ring(n, bound)
            );
        }
        // The firm's shape.
        // Competencies without a score are left out of the shape rather than drawn at 0.
        let scored: Vec<(usize, f64)> = a
            .competencies
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((i, c.score?)))
            .collect();
        let shape: Vec<String> = scored
            .iter()
            .map(|&(i, s)| {
                let (x, y) = point(n, i, s);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = writeln!(
            svg,
            r#"<polygon points="{}" fill="{SCORE}" fill-opacity="0.18" stroke="{SCORE}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            shape.join(" ")
        );
        for (i, c) in a.competencies.iter().enumerate() {
            let Some(score) = c.score else {
                let _ = writeln!(
                    svg,
                    r#"<circle cx="{CX}" cy="{CY}" r="6" fill="white" stroke="{MUTED}" stroke-width="2"/>"#
                );
                continue;
            };
            let short_of = target_bound.is_some_and(|b| points_to(score, b) > 0.0);
            let colour = if short_of { SHORT } else { SCORE };
            let (x, y) = point(n, i, score);
            let _ = writeln!(
                svg,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="6.5" fill="{colour}" stroke="white" stroke-width="2"/>"#
            );
        }
        // Axis labels: name, score and stage.
        for (i, c) in a.competencies.iter().enumerate() {
            let angle = angle(n, i as f64);
            let (x, y) = point(n, i, 118.0);
            let (dx, dy) = (angle.cos(), angle.sin());
            let anchor = if dx.abs() < 0.25 {
                "middle"
            } else if dx > 0.0 {
                "start"
            } else {
                "end"
            };
            let lines = wrap(c.name(), 20);
            let block = 19.0 * lines.len() as f64 + 18.0;
            // Above the top, below the bottom, centred on the sides.
            let top = if dy < -0.5 {
                y - block + 12.0
            } else if dy > 0.5 {
                y + 4.0
            } else {
                y - block / 2.0 + 12.0
            };
            for (k, line) in lines.iter().enumerate() {
                text(
                    &mut svg,
                    x,
                    top + 19.0 * k as f64,
                    15.5,
                    INK,
                    anchor,
                    "bold",
                    line,
                );
            }
            let detail_y = top + 19.0 * lines.len() as f64;
            let (detail, colour) = match (c.score, c.stage) {
                (Some(s), Some(stage)) => {
                    let short_of = target_bound.is_some_and(|b| points_to(s, b) > 0.0);
                    let detail = match target_bound.filter(|_| short_of) {
                        Some(b) => format!("{s:.0} pts · stage {stage} · {:.0} short", b - s),
                        None => format!("{s:.0} pts · stage {stage}"),
                    };
                    let colour = match target_bound {
                        None => MUTED,
                        Some(_) if short_of => SHORT,
                        Some(_) => MET,
                    };
                    (detail, colour)
                }
                _ => (
                    format!(
                        "no score · {} of {} answers",
                        c.coverage.answered, c.coverage.total
                    ),
                    MUTED,
                ),
            };
            text(
                &mut svg, x, detail_y, 13.5, colour, anchor, "normal", &detail,
            );
        }
        ladder(&mut svg, a, gaps.target);
        legend(&mut svg, a, &gaps, target_bound);
        svg.push_str("</svg>\n");
        svg
    }
}

fn subtitle(a: &Assessment, gaps: &GapAnalysis) -> Vec<String> {
    let inputs = &a.inputs;
    let mut parts = Vec::new();
    let mut why = None;
    match &a.placement {
        Placement::Banded(b) => {
            parts.push(format!("Overall score {:.1} of 100", b.overall_score));
            if let Some(w) = a.competency(&b.weakest) {
                parts.push(format!("weakest: {} ({:.0})", w.name(), b.limiting_score));
            }
            if b.level < b.compensatory_level {
                why = Some(format!(
                    "Held at level {} by its weakest competency; the overall score alone would \
                     give level {}.",
                    b.level, b.compensatory_level
                ));
            }
        }
        Placement::Gated => parts.push("No customer-experience programme or owner".to_string()),
        Placement::Undetermined {
            insufficient,
            gate_unanswered,
        } => {
            if *gate_unanswered {
                parts.push("The gate item is unanswered".to_string());
            }
            if !insufficient.is_empty() {
                parts.push(format!(
                    "{} without enough answers",
                    plural(insufficient.len(), "competency", "competencies")
                ));
            }
        }
    }
    if let Some(n) = a.aggregation.map(|_| a.respondents.len()) {
        parts.push(plural(n, "respondent", "respondents"));
    }
    let mut lines = vec![parts.join(" · ")];
    let next = match (gaps.target, gaps.target.and_then(|t| inputs.lower_bound(t))) {
        (Some(t), Some(bound)) if bound > 0.0 => Some(format!(
            "Level {t} is reached with {bound:.0} points in every competency (dashed ring)."
        )),
        _ => None,
    };
    lines.extend(why);
    lines.extend(next);
    lines
}

/// The level ladder: every level as a rung, the reported one filled, the next one dashed.
fn ladder(svg: &mut String, a: &Assessment, target: Option<u8>) {
    let inputs = &a.inputs;
    let mut levels: Vec<(u8, &str, Option<f64>)> = inputs
        .stages
        .iter()
        .rev()
        .map(|s| (s.stage, &*s.name, Some(s.lower_bound)))
        .collect();
    if let Some(g) = &inputs.gate {
        levels.push((0, &*g.level_name, None));
    }
    text(
        svg,
        LADDER_X,
        LADDER_TOP - 16.0,
        15.0,
        INK,
        "start",
        "bold",
        "Maturity levels",
    );
    let row = (LADDER_H / levels.len() as f64).min(64.0);
    let current = a.level();
    for (k, (level, name, bound)) in levels.iter().enumerate() {
        let y = LADDER_TOP + row * k as f64;
        let h = row - 6.0;
        let (fill, stroke, ink, sub) = if Some(*level) == current {
            (SCORE, SCORE, "white", "#dbeafe")
        } else if Some(*level) == target {
            ("white", SHORT, INK, SHORT)
        } else {
            (BANDS[0], BANDS[1], INK, MUTED)
        };
        let dash = if Some(*level) == target && Some(*level) != current {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            r#"<rect x="{LADDER_X}" y="{y:.1}" width="{LADDER_W}" height="{h:.1}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/>"#
        );
        let label = format!("{level}  {}", short(name));
        text(
            svg,
            LADDER_X + 12.0,
            y + h / 2.0 - 2.0,
            13.0,
            ink,
            "start",
            "bold",
            &label,
        );
        let detail = match (bound, Some(*level) == current, Some(*level) == target) {
            (_, true, _) => "where the firm stands".to_string(),
            (Some(b), _, true) => format!("next: {b:.0} points everywhere"),
            (None, _, _) => "no CX programme or owner".to_string(),
            (Some(b), _, _) => format!("from {b:.0} points"),
        };
        text(
            svg,
            LADDER_X + 12.0,
            y + h / 2.0 + 15.0,
            11.5,
            sub,
            "start",
            "normal",
            &detail,
        );
    }
}

fn legend(svg: &mut String, a: &Assessment, gaps: &GapAnalysis, bound: Option<f64>) {
    let y = HEIGHT - 30.0;
    let mut x = 40.0;
    let mut item = |svg: &mut String, swatch: String, label: &str, width: f64| {
        svg.push_str(&swatch.replace("{X}", &format!("{x:.1}")));
        text(svg, x + 30.0, y + 5.0, 13.0, INK, "start", "normal", label);
        x += width;
    };
    item(
        svg,
        format!(
            r#"<rect x="{{X}}" y="{}" width="22" height="12" fill="{SCORE}" fill-opacity="0.25" stroke="{SCORE}" stroke-width="2"/>"#,
            y - 6.0
        ) + "\n",
        "Competency scores",
        175.0,
    );
    if let (Some(b), Some(t)) = (bound.filter(|b| *b > 0.0), gaps.target) {
        item(
            svg,
            format!(
                r#"<path d="M {{X}} {y} h 22" stroke="{SHORT}" stroke-width="2.5" stroke-dasharray="6 4"/>"#
            ) + "\n",
            &format!("Threshold of level {t} ({b:.0} points)"),
            250.0,
        );
    }
    if a.competencies
        .iter()
        .any(|c| c.agreement.is_some_and(|g| g.respondents > 1))
    {
        item(
            svg,
            format!(
                r#"<path d="M {{X}} {y} h 22" stroke="{SCORE}" stroke-opacity="0.25" stroke-width="7" stroke-linecap="round"/>"#
            ) + "\n",
            "Range across respondents",
            215.0,
        );
    }
    item(
        svg,
        format!(
            r#"<rect x="{{X}}" y="{}" width="22" height="12" fill="{}" stroke="{}"/>"#,
            y - 6.0,
            BANDS[1],
            "#d1d5db"
        ) + "\n",
        "Stage bands",
        140.0,
    );
}

/// The angle of axis `i` (may be fractional): the first axis points up, the others follow
/// clockwise.
fn angle(n: usize, i: f64) -> f64 {
    -PI / 2.0 + 2.0 * PI * i / n as f64
}

fn point_at(n: usize, i: f64, score: f64) -> (f64, f64) {
    let r = RADIUS * score.clamp(0.0, 120.0) / 100.0;
    let a = angle(n, i);
    (CX + r * a.cos(), CY + r * a.sin())
}

fn point(n: usize, i: usize, score: f64) -> (f64, f64) {
    point_at(n, i as f64, score)
}

fn ring(n: usize, score: f64) -> String {
    (0..n)
        .map(|i| {
            let (x, y) = point(n, i, score);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The part of a stage name before its first comma ("Defined, leadership engaged" →
/// "Defined").
fn short(name: &str) -> &str {
    name.split(',').next().unwrap_or(name).trim()
}

/// Splits a label into lines of at most `width` characters, at spaces.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

#[allow(clippy::too_many_arguments)]
fn text(
    svg: &mut String,
    x: f64,
    y: f64,
    size: f64,
    fill: &str,
    anchor: &str,
    weight: &str,
    content: &str,
) {
    let _ = writeln!(
        svg,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" font-weight="{weight}">{}</text>"#,
        escape(content)
    );
}

/// Escapes text for SVG content and attributes.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_escapes() {
        assert_eq!(
            wrap("Voice of the customer and insight", 22),
            ["Voice of the customer", "and insight"]
        );
        assert_eq!(escape("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
        assert_eq!(short("Defined, leadership engaged"), "Defined");
    }
}
