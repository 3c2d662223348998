//! Path diagrams as SVG: well-formed XML for any names and sizes, variables that never
//! overlap, and (when a headless Chromium is installed) a picture a browser renders.

mod common;

use cocreate_core::data::Table;
use cocreate_core::sem::{MeanStructure, Model, PathDiagram, SemFit, SemOptions};

const PATH: &str = "
II  ~ O + C + E + A + N
EI  ~ O + C + E + A + N
WTC ~ II + EI + O + C + E + A + N
II ~~ EI
";

fn composite_fit() -> SemFit {
    let data = common::table("cocreation_composites.csv");
    let opts = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .build()
        .unwrap();
    Model::parse(PATH).unwrap().fit(&data, &opts).unwrap()
}

fn latent_fit() -> SemFit {
    let r = common::reference("cocreation_sem");
    Model::parse(r["syntax"].as_str().unwrap())
        .unwrap()
        .fit(&common::keyed_survey(), &SemOptions::default())
        .unwrap()
}

/// The boxes of the variables (ellipses and the node rectangles) of an SVG document,
/// parsed as XML: parsing fails on any malformed document.
fn variable_boxes(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let num = |n: &roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    let mut out = Vec::new();
    for n in root.descendants() {
        match n.tag_name().name() {
            "ellipse" => {
                let (cx, cy, rx, ry) = (num(&n, "cx"), num(&n, "cy"), num(&n, "rx"), num(&n, "ry"));
                out.push((cx - rx, cy - ry, cx + rx, cy + ry));
            }
            "rect" if n.attribute("rx") == Some("4") => {
                let (x, y) = (num(&n, "x"), num(&n, "y"));
                out.push((x, y, x + num(&n, "width"), y + num(&n, "height")));
            }
            _ => {}
        }
    }
    out
}

fn assert_no_overlap(boxes: &[(f64, f64, f64, f64)]) {
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[..i] {
            let w = a.2.min(b.2) - a.0.max(b.0);
            let h = a.3.min(b.3) - a.1.max(b.1);
            assert!(w <= 0.0 || h <= 0.0, "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn the_path_model_is_well_formed_with_every_path() {
    let fit = composite_fit();
    let d = PathDiagram::from_fit(&fit).title("Readiness <path> model & \"friends\"");
    let svg = d.to_svg();
    let boxes = variable_boxes(&svg);
    assert_eq!(boxes.len(), 8);
    assert_no_overlap(&boxes);
    // 10 a-paths, 2 b-paths, 5 direct paths and the residual covariance.
    assert_eq!(d.arrows().len(), 18);
    assert!(svg.contains("Readiness &lt;path&gt; model &amp; &quot;friends&quot;"));
    // Non-significant paths (p ≥ .05) are dashed, significant ones solid.
    let dashed = d.arrows().iter().filter(|a| !a.4).count();
    assert!(dashed > 0 && dashed < 18);
    assert_eq!(svg.matches("stroke-dasharray=\"6 4\"").count(), dashed + 1); // + legend
    assert!(svg.contains("R² = 0.35"));
}

#[test]
fn the_latent_model_is_well_formed_without_overlap() {
    let fit = latent_fit();
    let svg = PathDiagram::from_fit(&fit).to_svg();
    let boxes = variable_boxes(&svg);
    assert_eq!(boxes.len(), 8 + 36);
    assert_no_overlap(&boxes);
}

#[test]
fn long_and_hostile_names_never_overlap_or_break_the_xml() {
    let long = "a_construct_name_that_goes_on_and_on_without_any_space_at_all_for_two_lines";
    let names = [
        long.to_string(),
        "B<&>\"'".replace(['<', '&', '>', '"', '\''], "x"),
        "Ünïcödé_名前".to_string(),
        "y".to_string(),
    ];
    let rows: Vec<Vec<Option<f64>>> = (0..60)
        .map(|i| {
            let t = i as f64;
            let a = (t * 0.7).sin();
            let b = (t * 1.3).cos();
            let c = 0.5 * a + (t * 2.1).sin();
            vec![
                Some(a),
                Some(b),
                Some(c),
                Some(0.3 * c + 0.2 * b + (t * 3.3).cos()),
            ]
        })
        .collect();
    let data = Table::new(names.to_vec(), rows).unwrap();
    let syntax = format!(
        "{} ~ {}\n{} ~ {} + {}",
        names[2], names[0], names[3], names[2], names[1]
    );
    let fit = Model::parse(&syntax)
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let svg = PathDiagram::from_fit(&fit)
        .caption(
            &names[3],
            "outcome with <markup> & \u{1} a control character",
        )
        .title("\u{7}bell & <tag>")
        .to_svg();
    let boxes = variable_boxes(&svg);
    assert_eq!(boxes.len(), 4);
    assert_no_overlap(&boxes);
    assert!(svg.contains("&lt;markup&gt; &amp; \u{FFFD}"));
    // The long name wraps onto several lines and is not cut.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let text: String = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| n.text())
        .collect();
    assert!(text.contains(&long[..20]) && text.contains(&long[long.len() - 10..]));
}

#[test]
fn many_variables_with_long_skips_lay_out() {
    // A chain of 40 regressions, each also on the variable five places back.
    let k = 40;
    let names: Vec<String> = (0..k).map(|i| format!("v{i}")).collect();
    let rows: Vec<Vec<Option<f64>>> = (0..200)
        .map(|r| {
            let t = r as f64;
            let mut v = Vec::with_capacity(k);
            let mut prev = 0.0;
            for i in 0..k {
                let x = 0.4 * prev + (t * (1.0 + i as f64 * 0.37)).sin();
                v.push(Some(x));
                prev = x;
            }
            v
        })
        .collect();
    let data = Table::new(names.clone(), rows).unwrap();
    let mut syntax = String::new();
    for i in 1..k {
        syntax += &format!("v{i} ~ v{}", i - 1);
        if i >= 5 {
            syntax += &format!(" + v{}", i - 5);
        }
        syntax.push('\n');
    }
    let fit = Model::parse(&syntax)
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let svg = PathDiagram::from_fit(&fit).to_svg();
    let boxes = variable_boxes(&svg);
    assert_eq!(boxes.len(), k);
    assert_no_overlap(&boxes);
}

/// Renders the diagrams with a headless Chromium when one is installed (Debian's
/// `chromium` package), and checks that it wrote a picture; skipped otherwise.
#[test]
fn a_browser_renders_the_diagrams() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(browser) = browser else {
        eprintln!("skipped: no headless Chromium installed (apt-get install chromium)");
        return;
    };
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diagrams");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, fit) in [("path", composite_fit()), ("latent", latent_fit())] {
        let svg_path = dir.join(format!("{name}.svg"));
        let png_path = dir.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&png_path);
        std::fs::write(&svg_path, PathDiagram::from_fit(&fit).to_svg()).unwrap();
        let profile = dir.join(format!("profile-{name}"));
        let status = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1600,1400",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={}", png_path.display()))
            .arg(&svg_path)
            .output()
            .unwrap();
        assert!(status.status.success(), "{browser} failed: {status:?}");
        let png = std::fs::read(&png_path).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        // A blank page compresses to a few kilobytes; a drawn diagram does not.
        assert!(png.len() > 20_000, "{} bytes", png.len());
        eprintln!("rendered {}", png_path.display());
    }
}
