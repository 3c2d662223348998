//! lavaan-like summary text: header, fit, then the parameter sections.

use std::fmt::{self, Write};

use super::op::Op;
use super::options::{Estimator, Missing};
use super::results::{GroupFit, ParameterEstimate, RobustFit, SemFit};

/// `label` padded to 40, then `value` right-aligned in 14; a longer value keeps a space.
fn line(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "  {label:<40} {value:>13}");
}

fn f3(v: f64) -> String {
    if v.is_nan() {
        "NA".into()
    } else {
        format!("{v:.3}")
    }
}

fn opt3(v: Option<f64>) -> String {
    v.map_or_else(|| "NA".into(), f3)
}

impl SemFit {
    /// The lavaan-like summary: header, test statistics and fit indices, then the
    /// parameter sections with standard errors and standardised estimates, R² last (the
    /// same text as `Display`).
    pub fn summary(&self) -> String {
        render(self)
    }
}

impl SemFit {
    /// lavaan's `standardizedSolution()` as R prints it: every row of the completely
    /// standardised solution (`std.all`) with its delta-method standard error, z, p and
    /// confidence interval at the fit's level, under the heading "Standardized Solution".
    ///
    /// ```
    /// # use cocreate_core::sem::{Model, SemOptions};
    /// # use cocreate_core::data::Table;
    /// # let rows: Vec<Vec<Option<f64>>> = (0..50).map(|i| { let x = (i as f64 * 0.37).sin(); vec![Some(x), Some(0.5 * x + (i as f64 * 1.3).cos())] }).collect();
    /// # let data = Table::new(vec!["x".into(), "y".into()], rows)?;
    /// let fit = Model::parse("y ~ b*x")?.fit(&data, &SemOptions::default())?;
    /// let text = fit.standardized_solution_summary();
    /// assert!(text.starts_with("Standardized Solution"));
    /// assert!(text.lines().nth(2).unwrap().trim_start().starts_with("lhs op rhs label est.std"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn standardized_solution_summary(&self) -> String {
        let rows = self.standardized_solution();
        let labelled = rows.iter().any(|r| !r.label.is_empty());
        let mut head = vec!["", "lhs", "op", "rhs"];
        if labelled {
            head.push("label");
        }
        head.extend(["est.std", "se", "z", "pvalue", "ci.lower", "ci.upper"]);
        let mut cells: Vec<Vec<String>> = vec![head.iter().map(|h| h.to_string()).collect()];
        for (k, r) in rows.iter().enumerate() {
            let mut row = vec![
                (k + 1).to_string(),
                r.lhs.clone(),
                r.op.to_string(),
                r.rhs.clone(),
            ];
            if labelled {
                row.push(r.label.clone());
            }
            row.extend([
                f3(r.est_std),
                opt3(r.se),
                opt3(r.z),
                opt3(r.pvalue),
                f3(r.ci_lower),
                f3(r.ci_upper),
            ]);
            cells.push(row);
        }
        let widths: Vec<usize> = (0..cells[0].len())
            .map(|c| {
                cells
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let percent = (self.options().level * 1e6).round() / 1e4;
        let mut out =
            format!("Standardized Solution (std.all, {percent}% confidence intervals):\n\n");
        for row in &cells {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, &w)| format!("{cell:>w$}"))
                .collect();
            out.push_str(line.join(" ").trim_end());
            out.push('\n');
        }
        out
    }
}

/// Prints [`SemFit::summary`].
impl fmt::Display for SemFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self))
    }
}

fn render(fit: &SemFit) -> String {
    let mut out = String::new();
    let conv = fit.convergence();
    let _ = writeln!(
        out,
        "cocreate SEM {} ended normally after {} iterations\n",
        env!("CARGO_PKG_VERSION"),
        conv.iterations
    );
    let fm = fit.fit_measures();
    let wlsmv = fit.options().estimator == Estimator::Wlsmv;
    line(&mut out, "Estimator", if wlsmv { "DWLS" } else { "ML" });
    line(&mut out, "Optimization method", "FISHER-NEWTON");
    // lavaan's counts: every free row, and the equalities that tie them (shared labels,
    // `==` lines) and the inequalities apart.
    let groups = fit.groups();
    let table = fit.parameter_table();
    let free_rows = table.rows().iter().filter(|r| r.free.is_some()).count();
    let general = &table.constraints;
    let n_eq = free_rows - table.n_free() + general.iter().filter(|c| c.is_equality()).count();
    let n_ineq = general.iter().filter(|c| !c.is_equality()).count();
    line(
        &mut out,
        "Number of model parameters",
        &free_rows.to_string(),
    );
    if n_eq > 0 {
        line(
            &mut out,
            "Number of equality constraints",
            &n_eq.to_string(),
        );
    }
    if n_ineq > 0 {
        line(
            &mut out,
            "Number of inequality constraints",
            &n_ineq.to_string(),
        );
    }
    out.push('\n');
    if !groups.is_empty() {
        line(&mut out, "Number of groups", &groups.len().to_string());
        if fit.n_used() != fit.n_original() {
            line(
                &mut out,
                "Rows in the data (all groups)",
                &fit.n_original().to_string(),
            );
        }
        out.push_str("  Number of observations per group:\n");
        for g in groups {
            line(&mut out, &format!("  {}", g.label), &g.n_used.to_string());
        }
    } else if fit.n_used() == fit.n_original() {
        line(
            &mut out,
            "Number of observations",
            &fit.n_used().to_string(),
        );
    } else {
        let w = 7.max(fit.n_original().to_string().len() + 1);
        let _ = writeln!(out, "  {:<40}{:>w$}{:>w$}", "", "Used", "Total");
        let _ = writeln!(
            out,
            "  {:<40}{:>w$}{:>w$}",
            "Number of observations",
            fit.n_used(),
            fit.n_original()
        );
    }
    let missing = match fit.options().missing {
        Missing::Listwise => "listwise",
        Missing::Ml => "ml",
        Missing::MlX => "ml.x",
    };
    if missing != "listwise" || fit.n_used() != fit.n_original() {
        line(&mut out, "Missing data", missing);
    }
    if !fit.warnings().is_empty() {
        out.push('\n');
        for w in fit.warnings() {
            let _ = writeln!(out, "WARNING: {w}");
        }
    }
    out.push_str("\nModel Test User Model:\n\n");
    line(&mut out, "Test statistic", &f3(fm.chisq));
    line(&mut out, "Degrees of freedom", &format!("{}", fm.df));
    if let Some(p) = fm.pvalue {
        line(&mut out, "P-value (Chi-square)", &f3(p));
    }
    if !groups.is_empty() {
        out.push_str("  Test statistic for each group:\n");
        for g in groups {
            line(&mut out, &format!("  {}", g.label), &f3(g.chisq));
        }
    }
    out.push_str("\nModel Test Baseline Model:\n\n");
    line(&mut out, "Test statistic", &f3(fm.baseline_chisq));
    line(
        &mut out,
        "Degrees of freedom",
        &format!("{}", fm.baseline_df),
    );
    line(&mut out, "P-value", &opt3(fm.baseline_pvalue));
    out.push_str("\nUser Model versus Baseline Model:\n\n");
    line(&mut out, "Comparative Fit Index (CFI)", &f3(fm.cfi));
    line(&mut out, "Tucker-Lewis Index (TLI)", &f3(fm.tli));
    if !wlsmv {
        out.push_str("\nLoglikelihood and Information Criteria:\n\n");
        line(&mut out, "Loglikelihood user model (H0)", &f3(fm.logl));
        line(
            &mut out,
            "Loglikelihood unrestricted model (H1)",
            &f3(fm.unrestricted_logl),
        );
        out.push('\n');
        line(&mut out, "Akaike (AIC)", &f3(fm.aic));
        line(&mut out, "Bayesian (BIC)", &f3(fm.bic));
        line(
            &mut out,
            "Sample-size adjusted Bayesian (SABIC)",
            &f3(fm.bic2),
        );
    }
    out.push_str("\nRoot Mean Square Error of Approximation:\n\n");
    line(&mut out, "RMSEA", &f3(fm.rmsea));
    line(
        &mut out,
        "90 Percent confidence interval - lower",
        &f3(fm.rmsea_ci_lower),
    );
    line(
        &mut out,
        "90 Percent confidence interval - upper",
        &f3(fm.rmsea_ci_upper),
    );
    if let Some(p) = fm.rmsea_pvalue {
        line(&mut out, "P-value H_0: RMSEA <= 0.050", &f3(p));
    }
    if let Some(p) = fm.rmsea_notclose_pvalue {
        line(&mut out, "P-value H_0: RMSEA >= 0.080", &f3(p));
    }
    out.push_str("\nStandardized Root Mean Square Residual:\n\n");
    line(&mut out, "SRMR", &f3(fm.srmr));
    if let Some(r) = fit.robust() {
        robust_section(r, groups, &mut out);
    }
    out.push_str("\nParameter Estimates:\n\n");
    let se_kind = match (fit.information.as_str(), fit.options().estimator) {
        ("Bootstrap", _) => "Bootstrap",
        (_, Estimator::Mlr) => "Sandwich",
        (_, Estimator::Mlm | Estimator::Wlsmv) => "Robust.sem",
        _ => "Standard",
    };
    line(&mut out, "Standard errors", se_kind);
    if let Some(b) = fit.bootstrap() {
        line(
            &mut out,
            "Number of requested bootstrap draws",
            &b.requested.to_string(),
        );
        line(
            &mut out,
            "Number of successful bootstrap draws",
            &b.successful.to_string(),
        );
    } else if fit.options().estimator == Estimator::Mlr {
        // lavaan's wording for the sandwich: the observed information is its bread.
        line(&mut out, "Information bread", &fit.information);
        line(&mut out, "Observed information based on", "Hessian");
    } else {
        line(&mut out, "Information", &fit.information);
        let h1 = if fit.options().estimator == Estimator::Wlsmv {
            "Unstructured"
        } else {
            "Structured"
        };
        line(&mut out, "Information saturated (h1) model", h1);
    }
    if groups.is_empty() {
        let rows: Vec<&ParameterEstimate> = fit.parameter_estimates().iter().collect();
        sections(&rows, fit.r_squared(), Some(fit), &mut out);
    } else {
        for (k, g) in groups.iter().enumerate() {
            let _ = write!(out, "\n\nGroup {} [{}]:\n", k + 1, g.label);
            let rows: Vec<&ParameterEstimate> = (fit.parameter_estimates().iter())
                .filter(|e| e.group == g.label)
                .collect();
            sections(&rows, &g.r2, None, &mut out);
        }
        let defined: Vec<&ParameterEstimate> = (fit.parameter_estimates().iter())
            .filter(|e| e.op == Op::Defined)
            .collect();
        if !defined.is_empty() {
            out.push('\n');
            sections(&defined, &[], None, &mut out);
        }
    }
    out
}

/// One line of the parameter sections: free text, a column header, or a table row.
enum Line {
    Text(String),
    Header(String),
    Row([String; 7]),
}

const HEADS: [&str; 7] = [
    "", "Estimate", "Std.Err", "z-value", "P(>|z|)", "Std.lv", "Std.all",
];

fn header(lines: &mut Vec<Line>, title: &str) {
    lines.push(Line::Header(title.to_string()));
}

fn name_cell(name: &str, label: &str, dot: bool) -> String {
    let n = if dot {
        format!(".{name}")
    } else {
        name.to_string()
    };
    if label.is_empty() {
        format!("   {n}")
    } else {
        format!("   {n:<10} ({label})")
    }
}

fn row(lines: &mut Vec<Line>, name: String, e: &ParameterEstimate) {
    let fixed = e.free.is_none() && e.op != Op::Defined;
    let (se, z, p) = if fixed {
        (String::new(), String::new(), String::new())
    } else {
        (
            e.se.map_or_else(|| "NA".into(), f3),
            e.z.map_or_else(String::new, f3),
            e.pvalue.map_or_else(String::new, f3),
        )
    };
    lines.push(Line::Row([
        name,
        f3(e.est),
        se,
        z,
        p,
        f3(e.std_lv),
        f3(e.std_all),
    ]));
}

/// Writes the lines with columns as wide as their widest cell (lavaan's 20 and 9 at
/// least), so long names and large numbers widen the table instead of running into the
/// next column.
fn render_lines(out: &mut String, lines: &[Line]) {
    let mut w = [20usize, 9, 9, 9, 9, 9, 9];
    for l in lines {
        if let Line::Row(cells) = l {
            // Every number cell starts with at least one space, so the name column only
            // has to be as wide as its widest name.
            w[0] = w[0].max(cells[0].chars().count());
            for (k, c) in cells.iter().enumerate().skip(1) {
                w[k] = w[k].max(c.chars().count() + 1);
            }
        }
    }
    for l in lines {
        match l {
            Line::Text(t) => {
                let _ = writeln!(out, "{t}");
            }
            Line::Header(title) => {
                let _ = write!(out, "\n{title}:\n{:<w0$}", HEADS[0], w0 = w[0]);
                for k in 1..7 {
                    let _ = write!(out, "{:>wk$}", HEADS[k], wk = w[k]);
                }
                out.push('\n');
            }
            Line::Row(cells) => {
                let _ = write!(out, "{:<w0$}", cells[0], w0 = w[0]);
                for k in 1..7 {
                    let _ = write!(out, "{:>wk$}", cells[k], wk = w[k]);
                }
                out.push('\n');
            }
        }
    }
}

/// The parameter sections of `est` (one group's rows, or every row of a single-group
/// fit), then the R² table of `r2`.
/// The parameter sections of `est`, then (for a single-group fit, `constraints_of`) the
/// constraints, then R².
fn sections(
    est: &[&ParameterEstimate],
    r2: &[(String, f64)],
    constraints_of: Option<&SemFit>,
    out: &mut String,
) {
    let mut lines = Vec::new();
    // Variables with an incoming path get a dot: their (co)variances are residual.
    let endo: std::collections::HashSet<&str> = est
        .iter()
        .filter_map(|e| match e.op {
            Op::MeasuredBy => Some(e.rhs.as_str()),
            Op::Regression => Some(e.lhs.as_str()),
            _ => None,
        })
        .collect();
    let is_endo = |v: &str| endo.contains(v);
    for (op, title) in [
        (Op::MeasuredBy, "Latent Variables"),
        (Op::Regression, "Regressions"),
    ] {
        let rows: Vec<&ParameterEstimate> = est.iter().copied().filter(|e| e.op == op).collect();
        if rows.is_empty() {
            continue;
        }
        header(&mut lines, title);
        let mut last = "";
        for e in rows {
            if e.lhs != last {
                lines.push(Line::Text(format!("  {} {}", e.lhs, op)));
                last = &e.lhs;
            }
            row(&mut lines, name_cell(&e.rhs, &e.label, false), e);
        }
    }
    let covs: Vec<&ParameterEstimate> = est
        .iter()
        .copied()
        .filter(|e| e.op == Op::Covariance && e.lhs != e.rhs)
        .collect();
    if !covs.is_empty() {
        header(&mut lines, "Covariances");
        let mut last = String::new();
        for e in covs {
            let lhs = if is_endo(&e.lhs) {
                format!(".{}", e.lhs)
            } else {
                e.lhs.clone()
            };
            if lhs != last {
                lines.push(Line::Text(format!("  {lhs} ~~")));
                last = lhs;
            }
            row(&mut lines, name_cell(&e.rhs, &e.label, is_endo(&e.rhs)), e);
        }
    }
    let ints: Vec<&ParameterEstimate> = est
        .iter()
        .copied()
        .filter(|e| e.op == Op::Intercept)
        .collect();
    let thresholds: Vec<&ParameterEstimate> = est
        .iter()
        .copied()
        .filter(|e| e.op == Op::Threshold)
        .collect();
    if !ints.is_empty() {
        header(&mut lines, "Intercepts");
        for e in ints {
            row(&mut lines, name_cell(&e.lhs, &e.label, is_endo(&e.lhs)), e);
        }
    }
    if !thresholds.is_empty() {
        header(&mut lines, "Thresholds");
        for e in thresholds {
            let name = format!("{}|{}", e.lhs, e.rhs);
            row(&mut lines, name_cell(&name, &e.label, false), e);
        }
    }
    let vars: Vec<&ParameterEstimate> = est
        .iter()
        .copied()
        .filter(|e| e.op == Op::Covariance && e.lhs == e.rhs)
        .collect();
    if !vars.is_empty() {
        header(&mut lines, "Variances");
        for e in vars {
            row(&mut lines, name_cell(&e.lhs, &e.label, is_endo(&e.lhs)), e);
        }
    }
    let scales: Vec<&ParameterEstimate> = est
        .iter()
        .copied()
        .filter(|e| e.op == Op::Scaling)
        .collect();
    if !scales.is_empty() {
        header(&mut lines, "Scales y*");
        for e in scales {
            row(&mut lines, name_cell(&e.lhs, &e.label, false), e);
        }
    }
    let defs: Vec<&ParameterEstimate> = est
        .iter()
        .copied()
        .filter(|e| e.op == Op::Defined)
        .collect();
    if !defs.is_empty() {
        header(&mut lines, "Defined Parameters");
        for e in defs {
            row(&mut lines, name_cell(&e.lhs, &e.label, false), e);
        }
    }
    render_lines(out, &lines);
    if let Some(fit) = constraints_of {
        constraints_section(fit, out);
    }
    if !r2.is_empty() {
        let cells: Vec<(String, String)> = r2
            .iter()
            .map(|(v, r2)| (format!("   {v}"), f3(*r2)))
            .collect();
        let w0 = cells
            .iter()
            .map(|(n, _)| n.chars().count() + 1)
            .fold(20, usize::max);
        let w1 = cells
            .iter()
            .map(|(_, v)| v.chars().count() + 1)
            .fold(9, usize::max);
        let _ = writeln!(out, "\nR-Square:\n{:<w0$}{:>w1$}", "", "Estimate");
        for (n, v) in cells {
            let _ = writeln!(out, "{n:<w0$}{v:>w1$}");
        }
    }
}

/// lavaan's "Constraints" section: each general constraint's form (`a - (2*b)`) and the
/// absolute value it takes at the estimates (0 where it binds).
fn constraints_section(fit: &SemFit, out: &mut String) {
    let cons = &fit.parameter_table().constraints;
    if cons.is_empty() {
        return;
    }
    let names: Vec<String> = cons.iter().map(|c| c.form_text()).collect();
    let w = names.iter().map(|n| n.chars().count()).fold(41, usize::max);
    let _ = writeln!(out, "\nConstraints:\n{:>width$}", "|Slack|", width = w + 13);
    for (c, name) in cons.iter().zip(&names) {
        let slack = c.value(fit.free_parameters()).abs();
        let _ = writeln!(out, "    {name:<w$}{:>9}", f3(slack));
    }
}

/// The scaled test and the scaled and robust indices of MLM / MLR, with lavaan's labels;
/// with groups each group's part of the scaled test (its `χ²_g / c`, lavaan's scaled
/// `stat.group`).
fn robust_section(r: &RobustFit, groups: &[GroupFit], out: &mut String) {
    let label = match r.estimator {
        Estimator::Mlm => "Satorra-Bentler",
        Estimator::Wlsmv => "Scaled and shifted",
        _ => "Yuan-Bentler correction (Mplus variant)",
    };
    let _ = writeln!(out, "\nRobust Model Test ({label}):\n");
    let num = |v: f64| if v.is_finite() { f3(v) } else { "NA".into() };
    line(out, "Test statistic (scaled)", &num(r.chisq_scaled));
    line(out, "Degrees of freedom", &format!("{}", r.df_scaled));
    line(out, "P-value (Chi-square)", &opt3(r.pvalue_scaled));
    line(
        out,
        "Scaling correction factor",
        &num(r.chisq_scaling_factor),
    );
    if let Some(shift) = r.shift_parameter {
        line(out, "Shift parameter", &num(shift));
    }
    if !groups.is_empty() && r.shift_parameter.is_none() && r.chisq_scaling_factor.is_finite() {
        out.push_str("  Test statistic for each group (scaled):\n");
        for g in groups {
            line(
                out,
                &format!("  {}", g.label),
                &f3(g.chisq / r.chisq_scaling_factor),
            );
        }
    }
    line(
        out,
        "Baseline test statistic (scaled)",
        &num(r.baseline_chisq_scaled),
    );
    line(
        out,
        "Baseline scaling correction factor",
        &num(r.baseline_chisq_scaling_factor),
    );
    line(
        out,
        "Comparative Fit Index (CFI, scaled)",
        &num(r.cfi_scaled),
    );
    line(out, "Tucker-Lewis Index (TLI, scaled)", &num(r.tli_scaled));
    line(
        out,
        "Robust Comparative Fit Index (CFI)",
        &num(r.cfi_robust),
    );
    line(out, "Robust Tucker-Lewis Index (TLI)", &num(r.tli_robust));
    line(out, "RMSEA (scaled)", &num(r.rmsea_scaled));
    line(out, "Robust RMSEA", &num(r.rmsea_robust));
    line(
        out,
        "90 Percent confidence interval - lower",
        &num(r.rmsea_ci_lower_robust),
    );
    line(
        out,
        "90 Percent confidence interval - upper",
        &num(r.rmsea_ci_upper_robust),
    );
    line(
        out,
        "P-value H_0: Robust RMSEA <= 0.050",
        &opt3(r.rmsea_pvalue_robust),
    );
}
