//! Path diagrams as self-contained SVG documents, laid out without Graphviz.
//!
//! Variables are placed in layers from left to right by a layered (Sugiyama-style)
//! layout: the longest chain of regressions decides a variable's column (exogenous
//! variables first, outcomes last), the indicators of a latent variable sit in a column of
//! their own beside it, paths that skip a column are routed through it between the
//! variables, and the order within each column follows the mean position of a variable's
//! neighbours. Regressions and loadings are arrows, covariances curved two-headed arrows;
//! every arrow carries its estimate (standardised by default). Arrows whose p-value is at
//! least .05 are drawn dashed and grey, the others solid (fixed parameters, such as the
//! marker loadings, are solid). Text is XML-escaped; long names wrap onto several lines,
//! so names of any length never overlap.
//!
//! ```
//! use cocreate_core::data::Table;
//! use cocreate_core::sem::{Model, PathDiagram, SemOptions};
//!
//! # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| {
//! #     let t = i as f64; let x = (t * 0.91).sin(); let m = 0.6 * x + 0.5 * (t * 1.7).cos();
//! #     let y = 0.4 * m + 0.2 * x + 0.5 * (t * 2.9).sin(); vec![Some(x), Some(m), Some(y)] }).collect();
//! # let data = Table::new(vec!["x".into(), "m".into(), "y".into()], rows)?;
//! let fit = Model::parse("m ~ x\ny ~ m + x")?.fit(&data, &SemOptions::default())?;
//! let svg = PathDiagram::from_fit(&fit).title("x → m → y").to_svg();
//! assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
//! assert!(svg.contains("x → m → y"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write;

use super::op::Op;
use super::results::SemFit;

const FONT: &str = "Helvetica, Arial, sans-serif";
const NAME_SIZE: f64 = 14.0;
const CAPTION_SIZE: f64 = 11.0;
const LABEL_SIZE: f64 = 11.0;
const TITLE_SIZE: f64 = 16.0;
/// Widest line of text inside a node before it wraps.
const MAX_TEXT: f64 = 160.0;
const PAD_X: f64 = 12.0;
const PAD_Y: f64 = 7.0;
/// Vertical gap between two variables of a column, and between routed paths.
const NODE_GAP: f64 = 26.0;
const DUMMY_GAP: f64 = 6.0;
/// Vertical distance between two arrows that meet at the same side of a variable.
const PORT_SPACING: f64 = 7.0;
const DUMMY_H: f64 = 8.0;
/// Horizontal gap between columns (room for the estimates on the arrows).
const LAYER_GAP: f64 = 170.0;
const MARGIN: f64 = 24.0;
const INK: &str = "#1f2937";
const FAINT: &str = "#9ca3af";
const LATENT_FILL: &str = "#e0ecfb";
const LATENT_STROKE: &str = "#2563eb";
const OBSERVED_FILL: &str = "#f3f4f6";
const OBSERVED_STROKE: &str = "#4b5563";

/// Most routing points a diagram inserts for paths that skip columns; past it, such paths
/// are drawn straight (a model with thousands of long paths stays cheap to lay out).
pub const MAX_ROUTING_POINTS: usize = 200_000;

/// What an arrow of a [`PathDiagram`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ArrowKind {
    /// A regression path (`y ~ x`), from `x` to `y`.
    Regression,
    /// A loading (`f =~ x`), from the latent variable to its indicator.
    Loading,
    /// A (residual) covariance (`a ~~ b`), a two-headed arrow.
    Covariance,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Variable {
    name: String,
    caption: Option<String>,
    latent: bool,
    r2: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Arrow {
    from: usize,
    to: usize,
    kind: ArrowKind,
    est: f64,
    std: f64,
    pvalue: Option<f64>,
}

/// A path diagram of a fitted model, drawn as a self-contained SVG document (no fonts,
/// scripts or external files): see the module documentation for the layout.
///
/// ```
/// # use cocreate_core::data::Table;
/// # use cocreate_core::sem::{Model, PathDiagram, SemOptions};
/// # let rows: Vec<Vec<Option<f64>>> = (0..80).map(|i| { let t = i as f64; let f = (t * 0.7).sin();
/// #     vec![Some(f + 0.5 * (t * 1.1).cos()), Some(0.8 * f + 0.5 * (t * 2.3).cos()), Some(f + 0.5 * (t * 3.7).cos())] }).collect();
/// # let data = Table::new(vec!["x1".into(), "x2".into(), "x3".into()], rows)?;
/// let fit = Model::parse("visual =~ x1 + x2 + x3")?.fit(&data, &SemOptions::default())?;
/// let d = PathDiagram::from_fit(&fit).caption("visual", "visual <ability> & speed");
/// let svg = d.to_svg();
/// assert!(svg.contains("<ellipse")); // the latent variable
/// assert!(svg.contains("visual &lt;ability&gt; &amp; speed")); // escaped
/// assert_eq!(d.arrows().len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PathDiagram {
    title: Option<String>,
    variables: Vec<Variable>,
    arrows: Vec<Arrow>,
    standardized: bool,
    alpha: f64,
}

impl PathDiagram {
    /// The diagram of a fit: every variable in a loading, a regression or a covariance
    /// between two variables (the fixed covariances of exogenous covariates are left
    /// out, as lavaan's plots do), with the completely standardised estimates and the
    /// R² of each endogenous variable.
    pub fn from_fit(fit: &SemFit) -> Self {
        let mut d = PathDiagram {
            title: None,
            variables: Vec::new(),
            arrows: Vec::new(),
            standardized: true,
            alpha: 0.05,
        };
        let latent = fit.latent();
        // A multiple-group fit: the first group's estimates (defined parameters have no group).
        let first = fit.groups().first().map_or("", |g| g.label.as_str());
        for e in
            (fit.parameter_estimates().iter()).filter(|e| e.group.is_empty() || e.group == first)
        {
            let (from, to, kind) = match e.op {
                Op::MeasuredBy => (&e.lhs, &e.rhs, ArrowKind::Loading),
                Op::Regression => (&e.rhs, &e.lhs, ArrowKind::Regression),
                Op::Covariance if e.lhs != e.rhs && !e.exo => {
                    (&e.lhs, &e.rhs, ArrowKind::Covariance)
                }
                _ => continue,
            };
            let from = d.variable(from, latent.contains(from));
            let to = d.variable(to, latent.contains(to));
            d.arrows.push(Arrow {
                from,
                to,
                kind,
                est: e.est,
                std: e.std_all,
                pvalue: if e.free.is_some() { e.pvalue } else { None },
            });
        }
        for (name, r2) in fit.r_squared() {
            if let Some(v) = d.variables.iter_mut().find(|v| &v.name == name) {
                v.r2 = Some(*r2);
            }
        }
        d
    }

    fn variable(&mut self, name: &str, latent: bool) -> usize {
        match self.variables.iter().position(|v| v.name == name) {
            Some(i) => i,
            None => {
                self.variables.push(Variable {
                    name: name.to_string(),
                    caption: None,
                    latent,
                    r2: None,
                });
                self.variables.len() - 1
            }
        }
    }

    /// A title above the diagram.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// A caption under a variable's name (e.g. its full label); ignored for a name that
    /// is not in the diagram.
    pub fn caption(mut self, variable: &str, caption: impl Into<String>) -> Self {
        if let Some(v) = self.variables.iter_mut().find(|v| v.name == variable) {
            v.caption = Some(caption.into());
        }
        self
    }

    /// Label the arrows with the unstandardised estimates instead.
    pub fn unstandardized(mut self) -> Self {
        self.standardized = false;
        self
    }

    /// The variables, in the order they were met in the estimates.
    pub fn variables(&self) -> Vec<&str> {
        self.variables.iter().map(|v| v.name.as_str()).collect()
    }

    /// Every arrow as (from, to, kind, value shown, drawn solid).
    pub fn arrows(&self) -> Vec<(&str, &str, ArrowKind, f64, bool)> {
        self.arrows
            .iter()
            .map(|a| {
                (
                    self.variables[a.from].name.as_str(),
                    self.variables[a.to].name.as_str(),
                    a.kind,
                    self.value(a),
                    self.solid(a),
                )
            })
            .collect()
    }

    fn value(&self, a: &Arrow) -> f64 {
        if self.standardized {
            a.std
        } else {
            a.est
        }
    }

    /// Solid unless the p-value is known and at least the significance level.
    fn solid(&self, a: &Arrow) -> bool {
        !matches!(a.pvalue, Some(p) if p >= self.alpha)
    }

    /// The diagram as an SVG document.
    pub fn to_svg(&self) -> String {
        let layout = Layout::new(self);
        layout.render(self)
    }
}

/// A node of the layered graph: a variable or a routing point of a long path.
#[derive(Debug, Clone)]
struct Node {
    layer: usize,
    w: f64,
    h: f64,
    x: f64,
    y: f64,
    /// Lines of the variable's name, then of its caption.
    name_lines: Vec<String>,
    caption_lines: Vec<String>,
    real: bool,
    latent: bool,
}

/// One end of a route at a side of a variable: (route, 0 source / 1 target, the height
/// of the route's far end).
type PortEnd = (usize, usize, f64);

/// A drawn arrow: the points it passes, the arrow it draws.
#[derive(Debug, Clone)]
struct Route {
    arrow: usize,
    /// Node chain from source to target (routing points in between).
    chain: Vec<usize>,
}

#[derive(Debug)]
struct Layout {
    nodes: Vec<Node>,
    routes: Vec<Route>,
    width: f64,
    height: f64,
}

impl Layout {
    fn new(d: &PathDiagram) -> Layout {
        let n = d.variables.len();
        // Indicators that belong to one latent variable and take part in nothing else
        // are satellites: they sit in a column beside their latent variable.
        let mut satellite: Vec<Option<usize>> = vec![None; n];
        for (v, slot) in satellite.iter_mut().enumerate() {
            if d.variables[v].latent {
                continue;
            }
            let mut owners = d
                .arrows
                .iter()
                .filter(|a| a.kind == ArrowKind::Loading && a.to == v)
                .map(|a| a.from);
            let regressed = d.arrows.iter().any(|a| {
                a.kind != ArrowKind::Covariance
                    && a.kind != ArrowKind::Loading
                    && (a.from == v || a.to == v)
            });
            if let (Some(owner), None) = (owners.next(), owners.next()) {
                if !regressed && owner != v {
                    *slot = Some(owner);
                }
            }
        }
        // Longest-path layering of the other variables over the directed arrows; when a
        // cycle (a non-recursive model) stops the topological order, the remaining
        // variable with the fewest unplaced predecessors goes next.
        let directed: Vec<(usize, usize)> = d
            .arrows
            .iter()
            .filter(|a| a.kind != ArrowKind::Covariance && a.from != a.to)
            .filter(|a| satellite[a.to].is_none())
            .map(|a| (a.from, a.to))
            .collect();
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(f, t) in &directed {
            preds[t].push(f);
        }
        let mut rank: Vec<Option<usize>> = vec![None; n];
        let core: Vec<usize> = (0..n).filter(|&v| satellite[v].is_none()).collect();
        for _ in 0..core.len() {
            let next = core
                .iter()
                .copied()
                .filter(|&v| rank[v].is_none())
                .min_by_key(|&v| {
                    preds[v]
                        .iter()
                        .filter(|&&u| rank[u].is_none() && u != v)
                        .count()
                });
            let Some(v) = next else { break };
            rank[v] = Some(
                preds[v]
                    .iter()
                    .filter_map(|&u| rank[u].map(|r| r + 1))
                    .max()
                    .unwrap_or(0),
            );
        }
        // Columns: structural ranks on even columns, satellites on the odd column after
        // their latent variable (before it for latent variables of the first rank).
        let mut col: Vec<i64> = vec![0; n];
        for v in 0..n {
            if let Some(r) = rank[v] {
                col[v] = 2 * r as i64 + 1;
            }
        }
        for v in 0..n {
            if let Some(o) = satellite[v] {
                let r = rank[o].unwrap_or(0);
                col[v] = if r == 0 { 0 } else { 2 * r as i64 + 2 };
            }
        }
        let mut used: Vec<i64> = col.clone();
        used.sort_unstable();
        used.dedup();
        let layer_of = |c: i64| used.binary_search(&c).unwrap_or(0);
        let mut nodes: Vec<Node> = (0..n)
            .map(|v| {
                let var = &d.variables[v];
                let name_lines = wrap(&var.name, NAME_SIZE, MAX_TEXT);
                let mut caption_lines = var
                    .caption
                    .as_deref()
                    .map(|c| wrap(c, CAPTION_SIZE, MAX_TEXT))
                    .unwrap_or_default();
                if let Some(r2) = var.r2 {
                    caption_lines.push(format!("R² = {}", number(r2, 2)));
                }
                let text_w = name_lines
                    .iter()
                    .map(|l| text_width(l, NAME_SIZE))
                    .chain(caption_lines.iter().map(|l| text_width(l, CAPTION_SIZE)))
                    .fold(0.0, f64::max);
                let text_h = name_lines.len() as f64 * NAME_SIZE * 1.2
                    + caption_lines.len() as f64 * CAPTION_SIZE * 1.25;
                let (w, h) = if var.latent {
                    // An ellipse around the text box: the box's corners on the ellipse.
                    let (bw, bh) = (text_w + PAD_X, text_h + PAD_Y);
                    ((bw * 1.42).max(70.0), (bh * 1.42).max(40.0))
                } else {
                    (
                        (text_w + 2.0 * PAD_X).max(56.0),
                        (text_h + 2.0 * PAD_Y).max(34.0),
                    )
                };
                Node {
                    layer: layer_of(col[v]),
                    w,
                    h,
                    x: 0.0,
                    y: 0.0,
                    name_lines,
                    caption_lines,
                    real: true,
                    latent: var.latent,
                }
            })
            .collect();
        // Routes: long arrows pass a routing point in every column they cross.
        let mut routes = Vec::with_capacity(d.arrows.len());
        let mut budget = MAX_ROUTING_POINTS;
        for (i, a) in d.arrows.iter().enumerate() {
            let (lf, lt) = (nodes[a.from].layer, nodes[a.to].layer);
            let mut chain = vec![a.from];
            let span = lf.abs_diff(lt);
            if a.kind != ArrowKind::Covariance && span > 1 && span - 1 <= budget {
                budget -= span - 1;
                let between: Vec<usize> = if lf < lt {
                    (lf + 1..lt).collect()
                } else {
                    (lt + 1..lf).rev().collect()
                };
                for layer in between {
                    nodes.push(Node {
                        layer,
                        w: 0.0,
                        h: DUMMY_H,
                        x: 0.0,
                        y: 0.0,
                        name_lines: Vec::new(),
                        caption_lines: Vec::new(),
                        real: false,
                        latent: false,
                    });
                    chain.push(nodes.len() - 1);
                }
            }
            chain.push(a.to);
            routes.push(Route { arrow: i, chain });
        }
        // Room for the arrows that meet at one side of a variable.
        let mut ends: std::collections::HashMap<(usize, bool), usize> =
            std::collections::HashMap::new();
        for r in &routes {
            if d.arrows[r.arrow].kind == ArrowKind::Covariance {
                continue;
            }
            let (s, t) = (r.chain[0], r.chain[r.chain.len() - 1]);
            let right = nodes[s].layer <= nodes[t].layer;
            *ends.entry((s, right)).or_default() += 1;
            *ends
                .entry((t, !right || nodes[s].layer == nodes[t].layer))
                .or_default() += 1;
        }
        for ((v, _), k) in ends {
            let n = &mut nodes[v];
            n.h = n.h.max(PORT_SPACING * k as f64 / 0.6);
        }
        let n_layers = used.len().max(1);
        let mut order = order_layers(&nodes, &routes, n_layers);
        place(&mut nodes, &routes, &mut order);
        // Columns left to right, each as wide as its widest variable.
        let title_h = if d.title.is_some() {
            TITLE_SIZE * 2.2
        } else {
            0.0
        };
        let top = MARGIN + title_h;
        let mut x = MARGIN + 50.0;
        let mut width = 0.0;
        for layer in &order {
            let w = layer.iter().map(|&v| nodes[v].w).fold(0.0, f64::max);
            for &v in layer {
                nodes[v].x = x + w / 2.0;
            }
            width = x + w;
            x += w + LAYER_GAP;
        }
        let min_y = nodes
            .iter()
            .map(|v| v.y - v.h / 2.0)
            .fold(f64::INFINITY, f64::min);
        let shift = if min_y.is_finite() { top - min_y } else { top };
        for v in &mut nodes {
            v.y += shift;
        }
        let bottom = nodes.iter().map(|v| v.y + v.h / 2.0).fold(top, f64::max);
        Layout {
            nodes,
            routes,
            width: (width + 50.0 + MARGIN).max(560.0),
            height: bottom + 70.0,
        }
    }

    fn render(&self, d: &PathDiagram) -> String {
        let (w, h) = (self.width.ceil(), self.height.ceil());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\">"
        );
        let _ = writeln!(
            out,
            "<defs>{}{}</defs>",
            marker("arrow-ink", INK),
            marker("arrow-faint", FAINT)
        );
        let _ = writeln!(
            out,
            "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        );
        if let Some(t) = &d.title {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{TITLE_SIZE}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
                MARGIN,
                MARGIN + TITLE_SIZE,
                escape(t)
            );
        }
        // Arrows first, so that the variables and the estimates sit on top of them.
        let mut labels: Vec<(f64, f64, String, bool)> = Vec::new();
        let mut taken: Vec<Rect> = self
            .nodes
            .iter()
            .filter(|n| n.real)
            .map(|n| Rect::around(n.x, n.y, n.w, n.h))
            .collect();
        let ports = self.ports(d);
        for (r, route) in self.routes.iter().enumerate() {
            let a = &d.arrows[route.arrow];
            let solid = d.solid(a);
            let (colour, mark) = if solid {
                (INK, "arrow-ink")
            } else {
                (FAINT, "arrow-faint")
            };
            let points = self.curve(route, &ports[r], a.kind);
            let mut path = format!("M{:.1},{:.1}", points[0].0, points[0].1);
            for c in points[1..].chunks(3) {
                if let [c1, c2, p] = c {
                    let _ = write!(
                        path,
                        " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                        c1.0, c1.1, c2.0, c2.1, p.0, p.1
                    );
                }
            }
            let dash = if solid {
                ""
            } else {
                " stroke-dasharray=\"6 4\""
            };
            let start = if a.kind == ArrowKind::Covariance {
                format!(" marker-start=\"url(#{mark})\"")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.4\"{dash}{start} marker-end=\"url(#{mark})\"/>"
            );
            let text = number(d.value(a), 2);
            let (lw, lh) = (text_width(&text, LABEL_SIZE) + 8.0, LABEL_SIZE + 5.0);
            let polyline = flatten(&points);
            let (x, y) = label_spot(&polyline, lw, lh, &taken);
            taken.push(Rect::around(x, y, lw, lh));
            labels.push((x, y, text, solid));
        }
        for n in self.nodes.iter().filter(|n| n.real) {
            render_node(&mut out, n);
        }
        for (x, y, text, solid) in &labels {
            let (lw, lh) = (text_width(text, LABEL_SIZE) + 8.0, LABEL_SIZE + 5.0);
            let colour = if *solid { INK } else { "#6b7280" };
            let _ = writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{lw:.1}\" height=\"{lh:.1}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.92\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"{LABEL_SIZE}\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
                x - lw / 2.0,
                y - lh / 2.0,
                y + LABEL_SIZE * 0.36,
                escape(text)
            );
        }
        self.legend(&mut out, d);
        out.push_str("</svg>\n");
        out
    }

    /// The legend under the diagram: the two line styles, then what the shapes mean.
    fn legend(&self, out: &mut String, d: &PathDiagram) {
        let y = self.height - 40.0;
        let x = MARGIN;
        let mut words = vec![if d.standardized {
            "Standardized (std.all) estimates".to_string()
        } else {
            "Unstandardized estimates".to_string()
        }];
        let latent = d.variables.iter().any(|v| v.latent);
        words.push(if latent {
            "ellipses: latent variables, boxes: observed variables".into()
        } else {
            "boxes: observed variables".into()
        });
        if d.arrows.iter().any(|a| a.kind == ArrowKind::Covariance) {
            words.push("two-headed arrows: (residual) covariances".into());
        }
        let _ = writeln!(
            out,
            "<g font-size=\"11\" fill=\"#4b5563\">\
             <line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{INK}\" stroke-width=\"1.4\"/>\
             <text x=\"{}\" y=\"{}\">p &lt; .05</text>\
             <line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{FAINT}\" stroke-width=\"1.4\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{}\" y=\"{}\">p ≥ .05</text>\
             <text x=\"{x}\" y=\"{}\">{}.</text></g>",
            x + 28.0,
            x + 34.0,
            y + 4.0,
            x + 90.0,
            x + 118.0,
            x + 124.0,
            y + 4.0,
            y + 20.0,
            escape(&words.join("; "))
        );
    }

    /// For every route, the y offsets at which it leaves its source and enters its
    /// target, spread over the node's side in the order of the far ends.
    fn ports(&self, d: &PathDiagram) -> Vec<(f64, f64)> {
        let mut out = vec![(0.0, 0.0); self.routes.len()];
        // (node, side: -1 left / +1 right) → (route, end: 0 source / 1 target, far y)
        let mut sides: std::collections::BTreeMap<(usize, i8), Vec<PortEnd>> =
            std::collections::BTreeMap::new();
        for (r, route) in self.routes.iter().enumerate() {
            if d.arrows[route.arrow].kind == ArrowKind::Covariance {
                continue;
            }
            let (s, t) = (route.chain[0], route.chain[route.chain.len() - 1]);
            let next = &self.nodes[route.chain[1]];
            let prev = &self.nodes[route.chain[route.chain.len() - 2]];
            let (ss, ts) = self.sides(s, t);
            sides.entry((s, ss)).or_default().push((r, 0, next.y));
            sides.entry((t, ts)).or_default().push((r, 1, prev.y));
        }
        for ((v, _), mut ends) in sides {
            ends.sort_by(|a, b| a.2.total_cmp(&b.2));
            let n = &self.nodes[v];
            let k = ends.len() as f64;
            let span = n.h * if k > 1.0 { 0.6 } else { 0.0 };
            for (i, (r, end, _)) in ends.into_iter().enumerate() {
                let off = if k > 1.0 {
                    -span / 2.0 + span * i as f64 / (k - 1.0)
                } else {
                    0.0
                };
                if end == 0 {
                    out[r].0 = off;
                } else {
                    out[r].1 = off;
                }
            }
        }
        out
    }

    /// The sides an arrow leaves and enters by: rightwards arrows leave right and enter
    /// left; leftwards the reverse; within a column both ends are on the right.
    fn sides(&self, s: usize, t: usize) -> (i8, i8) {
        let (ls, lt) = (self.nodes[s].layer, self.nodes[t].layer);
        if ls < lt {
            (1, -1)
        } else if ls > lt {
            (-1, 1)
        } else {
            (1, 1)
        }
    }

    /// The point on a node's outline at side `side` and vertical offset `dy`.
    fn anchor(&self, v: usize, side: i8, dy: f64, latent: bool) -> (f64, f64) {
        let n = &self.nodes[v];
        let s = f64::from(side);
        if !n.real {
            return (n.x, n.y);
        }
        if latent {
            let (rx, ry) = (n.w / 2.0, n.h / 2.0);
            let t = (dy / ry).clamp(-0.95, 0.95);
            (n.x + s * rx * (1.0 - t * t).sqrt(), n.y + dy)
        } else {
            (n.x + s * n.w / 2.0, n.y + dy)
        }
    }

    /// The Bézier points of a route: a start point, then triples (control, control, end).
    fn curve(&self, route: &Route, port: &(f64, f64), kind: ArrowKind) -> Vec<(f64, f64)> {
        let d_latent = |v: usize| self.nodes[v].latent;
        let (s, t) = (route.chain[0], route.chain[route.chain.len() - 1]);
        if kind == ArrowKind::Covariance || self.nodes[s].layer == self.nodes[t].layer {
            // A curved arrow beside the column (or between columns).
            let (ns, nt) = (&self.nodes[s], &self.nodes[t]);
            if ns.layer == nt.layer {
                let side: i8 = if ns.layer == 0 && self.last_layer() > 0 {
                    -1
                } else {
                    1
                };
                let sf = f64::from(side);
                let a = self.anchor(s, side, 0.0, d_latent(s));
                let b = self.anchor(t, side, 0.0, d_latent(t));
                let bulge = (30.0 + 0.3 * (b.1 - a.1).abs()).min(LAYER_GAP * 0.55);
                let reach = a.0.max(b.0) * f64::from(side.max(0))
                    + a.0.min(b.0) * f64::from((-side).max(0));
                let cx = reach + sf * bulge;
                return vec![a, (cx, a.1), (cx, b.1), b];
            }
            let (side_s, side_t) = self.sides(s, t);
            let a = self.anchor(s, side_s, 0.0, d_latent(s));
            let b = self.anchor(t, side_t, 0.0, d_latent(t));
            let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0 - 25.0);
            return vec![a, mid, mid, b];
        }
        let (side_s, side_t) = self.sides(s, t);
        let mut pts: Vec<(f64, f64)> = Vec::with_capacity(route.chain.len());
        pts.push(self.anchor(s, side_s, port.0, d_latent(s)));
        for &v in &route.chain[1..route.chain.len() - 1] {
            pts.push((self.nodes[v].x, self.nodes[v].y));
        }
        pts.push(self.anchor(t, side_t, port.1, d_latent(t)));
        let mut out = vec![pts[0]];
        for w in pts.windows(2) {
            let (p, q) = (w[0], w[1]);
            let dx = (q.0 - p.0) / 2.0;
            out.push((p.0 + dx, p.1));
            out.push((q.0 - dx, q.1));
            out.push(q);
        }
        out
    }

    fn last_layer(&self) -> usize {
        self.nodes.iter().map(|n| n.layer).max().unwrap_or(0)
    }
}

fn render_node(out: &mut String, n: &Node) {
    if n.latent {
        let _ = writeln!(
            out,
            "<ellipse cx=\"{:.1}\" cy=\"{:.1}\" rx=\"{:.1}\" ry=\"{:.1}\" fill=\"{LATENT_FILL}\" stroke=\"{LATENT_STROKE}\" stroke-width=\"1.5\"/>",
            n.x,
            n.y,
            n.w / 2.0,
            n.h / 2.0
        );
    } else {
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"{OBSERVED_FILL}\" stroke=\"{OBSERVED_STROKE}\" stroke-width=\"1.3\"/>",
            n.x - n.w / 2.0,
            n.y - n.h / 2.0,
            n.w,
            n.h
        );
    }
    let text_h = n.name_lines.len() as f64 * NAME_SIZE * 1.2
        + n.caption_lines.len() as f64 * CAPTION_SIZE * 1.25;
    let mut y = n.y - text_h / 2.0;
    for line in &n.name_lines {
        y += NAME_SIZE * 1.2;
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{NAME_SIZE}\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            n.x,
            y - NAME_SIZE * 0.28,
            escape(line)
        );
    }
    for line in &n.caption_lines {
        y += CAPTION_SIZE * 1.25;
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{CAPTION_SIZE}\" text-anchor=\"middle\" fill=\"#4b5563\">{}</text>",
            n.x,
            y - CAPTION_SIZE * 0.3,
            escape(line)
        );
    }
}

/// Orders the nodes of each layer by the barycentre heuristic (Sugiyama, Tagawa & Toda,
/// 1981): sweeps down and up, each node at the mean position of its neighbours in the
/// layer before.
fn order_layers(nodes: &[Node], routes: &[Route], n_layers: usize) -> Vec<Vec<usize>> {
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); n_layers];
    for (v, n) in nodes.iter().enumerate() {
        if let Some(l) = layers.get_mut(n.layer) {
            l.push(v);
        }
    }
    let (up, down) = neighbours(nodes, routes);
    let mut pos = vec![0.0; nodes.len()];
    let index = |layers: &[Vec<usize>], pos: &mut [f64]| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    };
    index(&layers, &mut pos);
    for sweep in 0..12 {
        let downward = sweep % 2 == 0;
        let seq: Vec<usize> = if downward {
            (1..n_layers).collect()
        } else {
            (0..n_layers.saturating_sub(1)).rev().collect()
        };
        for l in seq {
            let adj = if downward { &up } else { &down };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&v| {
                    let ns = &adj[v];
                    let b = if ns.is_empty() {
                        pos[v]
                    } else {
                        ns.iter().map(|&u| pos[u]).sum::<f64>() / ns.len() as f64
                    };
                    (b, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    }
    layers
}

/// Neighbours of each node in the layer before (`up`) and after (`down`) it.
fn neighbours(nodes: &[Node], routes: &[Route]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut up = vec![Vec::new(); nodes.len()];
    let mut down = vec![Vec::new(); nodes.len()];
    for r in routes {
        for w in r.chain.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (la, lb) = (nodes[a].layer, nodes[b].layer);
            if la + 1 == lb {
                down[a].push(b);
                up[b].push(a);
            } else if lb + 1 == la {
                down[b].push(a);
                up[a].push(b);
            }
        }
    }
    (up, down)
}

/// Vertical positions: each layer keeps its order and spacing, and sits as close as it
/// can (least squares) to the mean height of each node's neighbours, by isotonic
/// regression (pool adjacent violators) on the offsets from the tightest stacking.
fn place(nodes: &mut [Node], routes: &[Route], order: &mut [Vec<usize>]) {
    let (up, down) = neighbours(nodes, routes);
    let gap = |a: &Node, b: &Node, real_gap: f64| {
        (a.h + b.h) / 2.0
            + if a.real && b.real {
                real_gap
            } else {
                DUMMY_GAP
            }
    };
    let stack = |l: &[usize], real_gap: f64| {
        let mut c = vec![0.0; l.len()];
        for i in 1..l.len() {
            c[i] = c[i - 1] + gap(&nodes[l[i - 1]], &nodes[l[i]], real_gap);
        }
        c
    };
    // A column of few variables spreads over most of the tallest column's height, so
    // that the arrows fan out instead of running together.
    let tallest = order
        .iter()
        .map(|l| stack(l, NODE_GAP).last().copied().unwrap_or(0.0))
        .fold(0.0, f64::max);
    let offsets: Vec<Vec<f64>> = order
        .iter()
        .map(|l| {
            let real: Vec<&Node> = l.iter().map(|&v| &nodes[v]).filter(|n| n.real).collect();
            let spread = if real.len() >= 2 {
                let h: f64 = real.iter().map(|n| n.h).sum::<f64>()
                    - (real[0].h + real[real.len() - 1].h) / 2.0;
                ((0.7 * tallest - h) / (real.len() - 1) as f64).max(NODE_GAP)
            } else {
                NODE_GAP
            };
            stack(l, spread)
        })
        .collect();
    for (l, c) in order.iter().zip(&offsets) {
        let mid = c.last().copied().unwrap_or(0.0) / 2.0;
        for (&v, off) in l.iter().zip(c) {
            nodes[v].y = off - mid;
        }
    }
    for sweep in 0..24 {
        let seq: Vec<usize> = if sweep % 2 == 0 {
            (0..order.len()).collect()
        } else {
            (0..order.len()).rev().collect()
        };
        for li in seq {
            let l = &order[li];
            let target: Vec<f64> = l
                .iter()
                .zip(&offsets[li])
                .map(|(&v, off)| {
                    let ns: Vec<usize> = up[v].iter().chain(&down[v]).copied().collect();
                    let want = if ns.is_empty() {
                        nodes[v].y
                    } else {
                        ns.iter().map(|&u| nodes[u].y).sum::<f64>() / ns.len() as f64
                    };
                    want - off
                })
                .collect();
            let z = isotonic(&target);
            for ((&v, off), z) in l.iter().zip(&offsets[li]).zip(z) {
                nodes[v].y = z + off;
            }
        }
    }
}

/// The non-decreasing sequence closest to `t` in least squares (pool adjacent violators).
fn isotonic(t: &[f64]) -> Vec<f64> {
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(t.len());
    for &v in t {
        blocks.push((v, 1));
        while blocks.len() > 1 {
            let (b, nb) = blocks[blocks.len() - 1];
            let (a, na) = blocks[blocks.len() - 2];
            if a <= b {
                break;
            }
            blocks.truncate(blocks.len() - 2);
            let n = na + nb;
            blocks.push(((a * na as f64 + b * nb as f64) / n as f64, n));
        }
    }
    blocks
        .into_iter()
        .flat_map(|(v, n)| std::iter::repeat_n(v, n))
        .collect()
}

/// An axis-aligned box.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn around(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect {
            x0: x - w / 2.0,
            y0: y - h / 2.0,
            x1: x + w / 2.0,
            y1: y + h / 2.0,
        }
    }
    fn overlap(&self, o: &Rect) -> f64 {
        let w = (self.x1.min(o.x1) - self.x0.max(o.x0)).max(0.0);
        let h = (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0.0);
        w * h
    }
}

/// The Bézier curve as a polyline (16 points per segment).
fn flatten(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = vec![points[0]];
    let mut p0 = points[0];
    for c in points[1..].chunks(3) {
        if let [c1, c2, p3] = c {
            for i in 1..=16 {
                let t = f64::from(i) / 16.0;
                let u = 1.0 - t;
                let f = |a: f64, b: f64, c: f64, d: f64| {
                    u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d
                };
                out.push((f(p0.0, c1.0, c2.0, p3.0), f(p0.1, c1.1, c2.1, p3.1)));
            }
            p0 = *p3;
        }
    }
    out
}

/// Where an estimate goes on its arrow: the first of a few spots along it (the middle
/// first) that covers no variable and no other estimate, else the least covered one.
fn label_spot(line: &[(f64, f64)], w: f64, h: f64, taken: &[Rect]) -> (f64, f64) {
    let mut cum = vec![0.0; line.len()];
    for i in 1..line.len() {
        let (a, b) = (line[i - 1], line[i]);
        cum[i] = cum[i - 1] + ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    }
    let total = cum.last().copied().unwrap_or(0.0);
    let at = |f: f64| {
        let s = f * total;
        let i = cum
            .partition_point(|&c| c < s)
            .clamp(1, line.len().max(2) - 1);
        if line.len() < 2 {
            return line[0];
        }
        let (a, b) = (line[i - 1], line[i]);
        let seg = cum[i] - cum[i - 1];
        let t = if seg > 0.0 {
            (s - cum[i - 1]) / seg
        } else {
            0.0
        };
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    };
    let mut best = (f64::INFINITY, at(0.5));
    for f in [
        0.4, 0.5, 0.3, 0.6, 0.22, 0.68, 0.35, 0.45, 0.55, 0.75, 0.16, 0.82,
    ] {
        let p = at(f);
        let r = Rect::around(p.0, p.1, w, h);
        let cover: f64 = taken.iter().map(|t| r.overlap(t)).sum();
        if cover == 0.0 {
            return p;
        }
        if cover < best.0 {
            best = (cover, p);
        }
    }
    best.1
}

/// An arrowhead.
fn marker(id: &str, colour: &str) -> String {
    format!(
        "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" \
         fill=\"{colour}\"/></marker>"
    )
}

/// A number with `decimals` decimals ("NA" when not finite, never "-0.00").
fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "NA".into();
    }
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Text for XML: `&`, `<`, `>`, `"` and `'` escaped, and the characters XML 1.0 forbids
/// (control characters other than tab, line feed and carriage return) replaced by U+FFFD.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The width of `s` in a sans-serif font of `size` pixels, estimated generously per
/// character (no font metrics are available to a self-contained SVG).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.32,
            'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' => 0.42,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.9,
            'A'..='Z' | '&' | '~' => 0.7,
            'a'..='z' | '0'..='9' | '_' | '=' | '+' | '<' | '>' | '#' | '$' | '?' => 0.58,
            c if c.is_ascii() => 0.6,
            c if (c as u32) >= 0x1100 => 1.05,
            _ => 0.65,
        })
        .sum::<f64>()
        * size
}

/// Lines of at most `max` pixels: words are kept whole where they fit, longer ones are
/// split between characters (nothing is cut off).
fn wrap(text: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if text_width(&line, size) > max && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}
