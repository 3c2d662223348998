//! The report a researcher reads: a short summary (the sample, reliability verdicts, the
//! pathways' indirect effects with their intervals, the segments, the expected
//! participation, the out-of-sample figures and where the files went), then the details,
//! every abbreviation spelled out once, every line under 100 characters.

use std::fmt::{self, Write};

use crate::scoring::{Instrument, Reliability, ResponseRange, Scores};
use crate::sem::{Op, SeMethod, SemFit};

use super::coproducer::CoproducerReport;
use super::error::ReadinessError;
use super::invite::{Invitation, InvitationList};
use super::model::ReadinessModel;
use super::pathway::Pathway;
use super::predict::{Prediction, Profile};
use super::segment::Segmentation;
use super::syntax::Labels;
use super::text::{and_list, count, interval, num, p_value, para, TextTable, CLIPPED};
use super::validation::{Validation, Verdict};

/// One construct of the survey: its reliability and its scores.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConstructSummary {
    /// The construct's name (the scale's name in the keys).
    pub name: String,
    /// Its label in the keys ("innate innovativeness").
    pub label: Option<String>,
    /// Items.
    pub items: usize,
    /// Cronbach's alpha.
    pub alpha: Option<f64>,
    /// Feldt's interval of alpha.
    pub alpha_interval: Option<(f64, f64)>,
    /// Guttman's lambda 6.
    pub lambda6: Option<f64>,
    /// McDonald's omega total.
    pub omega: Option<f64>,
    /// Average inter-item correlation.
    pub average_r: Option<f64>,
    /// Mean score.
    pub mean: Option<f64>,
    /// Standard deviation of the scores.
    pub sd: Option<f64>,
    /// The item with the lowest corrected item-rest correlation, that correlation, and
    /// alpha without the item.
    pub weakest_item: Option<(String, f64, Option<f64>)>,
}

/// What alpha says about a construct, in George and Mallery's (2003) bands.
///
/// ```
/// use cocreate_core::readiness::alpha_verdict;
/// assert_eq!(alpha_verdict(0.80), "good");
/// assert_eq!(alpha_verdict(0.698), "questionable");
/// ```
pub fn alpha_verdict(alpha: f64) -> &'static str {
    match alpha {
        a if a >= 0.9 => "excellent",
        a if a >= 0.8 => "good",
        a if a >= 0.7 => "acceptable",
        a if a >= 0.6 => "questionable",
        a if a >= 0.5 => "poor",
        _ => "unacceptable",
    }
}

/// An effect with its interval, when the fit has one.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Effect {
    /// The estimate (response-scale units).
    pub est: f64,
    /// The interval, when the fit defined the effect and estimated its uncertainty.
    pub interval: Option<(f64, f64)>,
    /// The two-sided p-value, when known.
    pub pvalue: Option<f64>,
}

impl Effect {
    /// Whether the interval excludes 0 (unknown without an interval).
    pub fn excludes_zero(&self) -> Option<bool> {
        self.interval.map(|(lo, hi)| lo > 0.0 || hi < 0.0)
    }
}

/// One path of the model, with its standardised estimate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PathSummary {
    /// Predictor (or the first variable of a covariance).
    pub from: String,
    /// Outcome (or the second variable of a covariance).
    pub to: String,
    /// A residual covariance rather than a path.
    pub covariance: bool,
    /// The estimate, interval and p-value.
    pub effect: Effect,
    /// The completely standardised estimate (`std.all`).
    pub std: f64,
}

/// The fitted path model as the report shows it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ModelSummary {
    /// Rows used.
    pub n: usize,
    /// The estimator ("ML", "MLM", "MLR").
    pub estimator: String,
    /// Bootstrap draws that succeeded (and were asked for), when the standard errors
    /// came from the bootstrap.
    pub bootstrap: Option<(usize, usize, u64)>,
    /// Chi-square, its degrees of freedom and p-value.
    pub chisq: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// p-value of the chi-square test.
    pub pvalue: Option<f64>,
    /// Comparative fit index.
    pub cfi: f64,
    /// Tucker–Lewis index.
    pub tli: f64,
    /// RMSEA with its 90 % interval.
    pub rmsea: (f64, f64, f64),
    /// Standardised root mean square residual.
    pub srmr: f64,
    /// R² of each endogenous construct.
    pub r2: Vec<(String, f64)>,
    /// Every regression path among the constructs and every residual covariance of the
    /// mediators.
    pub paths: Vec<PathSummary>,
    /// Specific indirect effect of trait k through mediator j: `indirect[k][j]`.
    pub indirect: Vec<Vec<Effect>>,
    /// Per trait: total indirect, direct and total effect on the outcome.
    pub totals: Vec<(Effect, Effect, Effect)>,
}

/// A customer the report explains, and why it was picked.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ExplainedCustomer {
    /// The respondent id (`row N` without an id column).
    pub id: String,
    /// Row of the data, counted from 1.
    pub row: usize,
    /// Why the customer was picked ("highest predicted WTC").
    pub reason: String,
    /// The prediction.
    pub prediction: Prediction,
}

impl fmt::Display for ExplainedCustomer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        para(
            &mut out,
            "",
            "  ",
            &format!(
                "customer {} ({})",
                crate::data::excerpt(&self.id),
                self.reason
            ),
        )?;
        for line in self.prediction.to_string().lines() {
            writeln!(out, "  {line}")?;
        }
        f.write_str(&out)
    }
}

/// The head of the invitation list and where it was written.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InvitationSummary {
    /// Respondents on the list.
    pub respondents: usize,
    /// Respondents whose predicted outcome reaches the threshold.
    pub willing: usize,
    /// The willingness threshold.
    pub threshold: f64,
    /// Respondents with an imputed trait.
    pub imputed: usize,
    /// The first five of the list.
    pub top: Vec<Invitation>,
    /// Where the whole list was written, if it was.
    pub file: Option<String>,
}

/// Co-producer readiness as the report shows it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CoproducerSection {
    /// The data the diagnosis read.
    pub data: String,
    /// Synthetic data bundled to show the diagnosis (not the survey's customers).
    pub illustrative: bool,
    /// The diagnosis.
    pub report: CoproducerReport,
}

/// The whole co-creation readiness report: built from the fitted path model and the
/// readiness model, then given what else the analysis produced (reliability, explained
/// customers, segments, the invitation list, the out-of-sample validation, co-producer
/// readiness, the files written). `Display` (and [`ReadinessReport::summary`]) gives the
/// text: a short summary, then the details.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::readiness::{Constructs, ReadinessModel, ReadinessReport, Threshold};
/// use cocreate_core::scoring::ResponseRange;
/// use cocreate_core::sem::{MeanStructure, Model, SemOptions};
///
/// # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| {
/// #     let t = i as f64; let x = 3.0 + (t * 0.91).sin(); let m = 1.0 + 0.6 * x + 0.5 * (t * 1.7).cos();
/// #     let y = 0.5 + 0.4 * m + 0.2 * x + 0.5 * (t * 2.9).sin(); vec![Some(x), Some(m), Some(y)] }).collect();
/// # let data = Table::new(vec!["O".into(), "II".into(), "WTC".into()], rows)?;
/// let c = Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
/// let fit = Model::parse(&c.path_syntax())?
///     .fit(&data, &SemOptions::builder().meanstructure(MeanStructure::On).build()?)?;
/// let model = ReadinessModel::from_fit(&fit, c, "demo.csv")?;
/// let list = model.invitations(&data, Threshold::Raw(4.0))?;
/// let report = ReadinessReport::new(&fit, &model, "demo.csv")
///     .customers(model.notable_customers(&list)?)
///     .segmentation(model.segment(&list.trait_matrix(), Threshold::Raw(4.0))?)
///     .invitations(&list, Some("invitations.csv"));
/// let text = report.to_string();
/// assert!(text.starts_with("Co-creation readiness report"));
/// assert!(text.contains("trivially perfect")); // a just-identified model
/// assert!(text.lines().all(|l| l.chars().count() < 100));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ReadinessReport {
    /// The data set, as the caller names it.
    pub data: String,
    /// Respondents in the data.
    pub respondents: usize,
    /// Missing answers in the data.
    pub missing_answers: Option<usize>,
    /// The response scale.
    pub range: ResponseRange,
    /// Traits, mediators and outcome.
    pub traits: Vec<String>,
    /// The mediators.
    pub mediators: Vec<String>,
    /// The outcome.
    pub outcome: String,
    /// The pathway named after each mediator ("innovation-led").
    pub pathway_names: Vec<String>,
    /// Where the coefficients came from.
    pub provenance: String,
    /// Every construct of the survey with its reliability (empty without
    /// [`ReadinessReport::reliability`]).
    pub constructs: Vec<ConstructSummary>,
    /// What limited the reliability analysis.
    pub reliability_notes: Vec<String>,
    /// The fitted path model.
    pub model: ModelSummary,
    /// The lavaan syntax and lavaan-style summary of the fit, shown in place of the
    /// compact tables when asked for ([`ReadinessReport::lavaan_detail`]).
    pub lavaan: Option<(String, String)>,
    /// Customers explained one by one.
    pub customers: Vec<ExplainedCustomer>,
    /// The customer base by pathway.
    pub segmentation: Option<Segmentation>,
    /// The invitation list.
    pub invitations: Option<InvitationSummary>,
    /// Out-of-sample validity.
    pub validation: Option<Validation>,
    /// Co-producer readiness.
    pub coproducer: Option<CoproducerSection>,
    /// Files written: (what, path).
    pub files: Vec<(String, String)>,
    /// Notes on the data.
    pub notes: Vec<String>,
}

impl ReadinessReport {
    /// The report of a readiness model and the fit it came from; `data` names the data
    /// set. The fit's paths, R², fit indices and the specific indirect, total indirect
    /// and total effects (with their intervals when the fit defines them, as the syntax
    /// of [`super::Constructs::path_syntax`] does) are read here.
    pub fn new(fit: &SemFit, model: &ReadinessModel, data: &str) -> ReadinessReport {
        let c = model.constructs();
        let (traits, mediators, y) = (c.traits(), c.mediators(), c.outcome());
        let labels = Labels::new(c);
        let effect_of = |e: &crate::sem::ParameterEstimate| Effect {
            est: e.est,
            interval: e
                .se
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(|_| (e.ci_lower, e.ci_upper)),
            pvalue: e.pvalue,
        };
        let defined = |label: &str| {
            fit.parameter_estimates()
                .iter()
                .find(|e| e.op == Op::Defined && e.lhs == label)
                .map(effect_of)
        };
        let point = |est: f64| Effect {
            est,
            interval: None,
            pvalue: None,
        };
        let co = model.coefficients();
        let p = traits.len();
        let indirect: Vec<Vec<Effect>> = (0..p)
            .map(|k| {
                (0..mediators.len())
                    .map(|j| {
                        defined(&labels.indirect(k, j))
                            .unwrap_or_else(|| point(co.a[j * p + k] * co.b[j]))
                    })
                    .collect()
            })
            .collect();
        let totals = (0..p)
            .map(|k| {
                let ind: f64 = (0..mediators.len())
                    .map(|j| co.a[j * p + k] * co.b[j])
                    .sum();
                let direct = fit
                    .get(y, Op::Regression, &traits[k])
                    .map(effect_of)
                    .unwrap_or_else(|| point(co.c[k]));
                (
                    defined(&labels.total_indirect(k)).unwrap_or_else(|| point(ind)),
                    direct,
                    defined(&labels.total(k)).unwrap_or_else(|| point(ind + co.c[k])),
                )
            })
            .collect();
        let is_construct = |v: &str| c.names().any(|n| n == v);
        let mut paths = Vec::new();
        for e in fit.parameter_estimates() {
            let regression = e.op == Op::Regression && is_construct(&e.lhs) && is_construct(&e.rhs);
            let covariance = e.op == Op::Covariance
                && e.lhs != e.rhs
                && mediators.contains(&e.lhs)
                && mediators.contains(&e.rhs);
            if regression || covariance {
                let (from, to) = if regression {
                    (e.rhs.clone(), e.lhs.clone())
                } else {
                    (e.lhs.clone(), e.rhs.clone())
                };
                paths.push(PathSummary {
                    from,
                    to,
                    covariance,
                    effect: effect_of(e),
                    std: e.std_all,
                });
            }
        }
        let fm = fit.fit_measures();
        let bootstrap = (fit.options().se() == SeMethod::Bootstrap)
            .then(|| fit.bootstrap().map(|b| (b.successful, b.requested, b.seed)))
            .flatten();
        ReadinessReport {
            data: data.to_string(),
            respondents: fit.n_original(),
            missing_answers: None,
            range: c.range(),
            traits: traits.to_vec(),
            mediators: mediators.to_vec(),
            outcome: y.to_string(),
            pathway_names: (0..mediators.len())
                .map(|j| c.pathway_name(Pathway::Led(j)).to_string())
                .collect(),
            provenance: model.provenance().to_string(),
            constructs: Vec::new(),
            reliability_notes: Vec::new(),
            model: ModelSummary {
                n: fit.n_used(),
                estimator: format!("{:?}", fit.options().estimator()).to_uppercase(),
                bootstrap,
                chisq: fm.chisq,
                df: fm.df,
                pvalue: fm.pvalue,
                cfi: fm.cfi,
                tli: fm.tli,
                rmsea: (fm.rmsea, fm.rmsea_ci_lower, fm.rmsea_ci_upper),
                srmr: fm.srmr,
                r2: fit
                    .r_squared()
                    .iter()
                    .filter(|(v, _)| is_construct(v))
                    .cloned()
                    .collect(),
                paths,
                indirect,
                totals,
            },
            lavaan: None,
            customers: Vec::new(),
            segmentation: None,
            invitations: None,
            validation: None,
            coproducer: None,
            files: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The survey: respondents and missing answers as the responses counted them.
    pub fn sample(mut self, respondents: usize, missing_answers: usize) -> Self {
        self.respondents = respondents;
        self.missing_answers = Some(missing_answers);
        self
    }

    /// Every scale of the instrument with its reliability (`rel`) and scores.
    pub fn reliability(
        mut self,
        instrument: &Instrument,
        scores: &Scores,
        rel: &Reliability,
    ) -> Self {
        self.constructs = instrument
            .scales()
            .iter()
            .zip(scores.describe())
            .map(|(scale, sum)| {
                let r = rel.scale(scale.name());
                ConstructSummary {
                    name: scale.name().to_string(),
                    label: scale.label().map(str::to_string),
                    items: scale.len(),
                    alpha: r.map(|r| r.alpha_raw),
                    alpha_interval: r.and_then(|r| r.feldt).map(|c| (c.lower, c.upper)),
                    lambda6: r.map(|r| r.g6),
                    omega: r.and_then(|r| r.omega.as_ref().map(|o| o.value)),
                    average_r: r.map(|r| r.average_r),
                    mean: sum.mean,
                    sd: sum.sd,
                    weakest_item: r.and_then(|r| {
                        r.items
                            .iter()
                            .min_by(|a, b| a.r_rest.total_cmp(&b.r_rest))
                            .map(|it| {
                                (
                                    it.item.clone(),
                                    it.r_rest,
                                    it.if_dropped.as_ref().map(|d| d.alpha_raw),
                                )
                            })
                    }),
                }
            })
            .collect();
        self.reliability_notes = rel.warnings.iter().map(ToString::to_string).collect();
        self
    }

    /// The lavaan syntax and lavaan-style summary of the fit in place of the compact
    /// tables of the model.
    pub fn lavaan_detail(mut self, syntax: &str, fit: &SemFit) -> Self {
        self.lavaan = Some((syntax.to_string(), fit.summary()));
        self
    }

    /// Customers explained one by one ([`ReadinessModel::notable_customers`]).
    pub fn customers(mut self, customers: Vec<ExplainedCustomer>) -> Self {
        self.customers = customers;
        self
    }

    /// The customer base by pathway.
    pub fn segmentation(mut self, segmentation: Segmentation) -> Self {
        self.segmentation = Some(segmentation);
        self
    }

    /// The invitation list, and where it was written.
    pub fn invitations(mut self, list: &InvitationList, file: Option<&str>) -> Self {
        self.invitations = Some(InvitationSummary {
            respondents: list.rows.len(),
            willing: list.n_willing(),
            threshold: list.threshold,
            imputed: list.n_imputed(),
            top: list.rows.iter().take(5).cloned().collect(),
            file: file.map(str::to_string),
        });
        self
    }

    /// The out-of-sample validation.
    pub fn validation(mut self, validation: Validation) -> Self {
        self.validation = Some(validation);
        self
    }

    /// Co-producer readiness read from `data`; `illustrative` marks synthetic data.
    pub fn coproducer(mut self, report: CoproducerReport, data: &str, illustrative: bool) -> Self {
        self.coproducer = Some(CoproducerSection {
            data: data.to_string(),
            illustrative,
            report,
        });
        self
    }

    /// A file the analysis wrote ("path diagram (SVG)", its path).
    pub fn file(mut self, what: &str, path: &str) -> Self {
        self.files.push((what.to_string(), path.to_string()));
        self
    }

    /// A note on the data.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The report as text (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }

    /// "innate innovativeness (II)" when the keys label the construct, else "II".
    fn spelled(&self, name: &str) -> String {
        match self
            .constructs
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.label.as_deref())
        {
            Some(label) if label != name => format!("{label} ({name})"),
            _ => name.to_string(),
        }
    }

    fn interval_words(&self) -> String {
        match self.model.bootstrap {
            Some((ok, _, _)) => {
                format!("95 % bootstrap percentile intervals ({} draws)", count(ok))
            }
            None => "95 % confidence intervals".into(),
        }
    }

    fn write_summary(&self, out: &mut String) -> fmt::Result {
        let y = &self.outcome;
        writeln!(out, "Summary")?;
        let missing = match self.missing_answers {
            Some(0) => ", no missing answers".to_string(),
            Some(m) => format!(", {} missing answers", count(m)),
            None => String::new(),
        };
        para(
            out,
            "  Sample: ",
            "    ",
            &format!(
                "{} respondents of {}{missing}.",
                count(self.respondents),
                self.data
            ),
        )?;
        let names = |v: &[String]| and_list(&v.iter().map(|n| self.spelled(n)).collect::<Vec<_>>());
        para(
            out,
            "  Constructs: ",
            "    ",
            &format!(
                "the traits {} shape the mediators {}, which with the traits shape {}; every \
                 score is the mean of the answered items on the response scale {}–{}.",
                names(&self.traits),
                names(&self.mediators),
                self.spelled(y),
                num(Some(self.range.min()), 0),
                num(Some(self.range.max()), 0)
            ),
        )?;
        if !self.constructs.is_empty() {
            let mut bands: Vec<(&str, Vec<String>)> = Vec::new();
            for c in &self.constructs {
                let Some(a) = c.alpha.filter(|a| a.is_finite()) else {
                    continue;
                };
                let v = alpha_verdict(a);
                let item = format!("{} ({})", c.name, num(Some(a), 3).trim_start_matches('0'));
                match bands.iter_mut().find(|(b, _)| *b == v) {
                    Some((_, list)) => list.push(item),
                    None => bands.push((v, vec![item])),
                }
            }
            let order = [
                "excellent",
                "good",
                "acceptable",
                "questionable",
                "poor",
                "unacceptable",
            ];
            bands.sort_by_key(|(b, _)| order.iter().position(|o| o == b));
            let text: Vec<String> = bands
                .iter()
                .map(|(b, list)| format!("{b} for {}", and_list(list)))
                .collect();
            para(
                out,
                "  Reliability: ",
                "    ",
                &format!(
                    "Cronbach's alpha is {} (George and Mallery's bands: .90 excellent, .80 \
                     good, .70 acceptable, .60 questionable, .50 poor).",
                    text.join("; ")
                ),
            )?;
        }
        para(
            out,
            "  Pathways: ",
            "    ",
            &format!(
                "specific indirect effects of the traits on {y} through each mediator, with {}; \
                 traits whose interval includes 0 are named without figures.",
                self.interval_words()
            ),
        )?;
        for (j, m) in self.mediators.iter().enumerate() {
            let mut shown = Vec::new();
            let mut null = Vec::new();
            let mut order: Vec<usize> = (0..self.traits.len()).collect();
            order.sort_by(|&a, &b| {
                self.model.indirect[b][j]
                    .est
                    .abs()
                    .total_cmp(&self.model.indirect[a][j].est.abs())
            });
            for k in order {
                let e = &self.model.indirect[k][j];
                match (e.excludes_zero(), e.interval) {
                    (Some(true), Some((lo, hi))) => shown.push(format!(
                        "{} {} {}",
                        self.traits[k],
                        num(Some(e.est), 3),
                        interval(lo, hi, 3)
                    )),
                    (None, _) => shown.push(format!("{} {}", self.traits[k], num(Some(e.est), 3))),
                    _ => null.push(self.traits[k].clone()),
                }
            }
            let mut text = if shown.is_empty() {
                "no trait's interval excludes 0".to_string()
            } else {
                shown.join(", ")
            };
            if !null.is_empty() && !shown.is_empty() {
                text += &format!("; includes 0: {}", null.join(", "));
            }
            let name = self.pathway_names.get(j).cloned().unwrap_or_default();
            para(out, &format!("    {name} (through {m}): "), "      ", &text)?;
        }
        if let Some(s) = &self.segmentation {
            let parts: Vec<String> = s
                .segments
                .iter()
                .map(|g| {
                    format!(
                        "{} {} % {}",
                        g.name,
                        num(Some(100.0 * g.share.value), 1),
                        interval(100.0 * g.share.lower, 100.0 * g.share.upper, 1)
                    )
                })
                .collect();
            para(
                out,
                "  Segments: ",
                "    ",
                &format!(
                    "share of the {} respondents on each pathway, with its {} % Wilson \
                     interval: {}.",
                    count(s.n),
                    num(Some(100.0 * s.level), 0),
                    parts.join(", ")
                ),
            )?;
            let e = s.expected_willing;
            let point = self.invitations.as_ref().map_or(String::new(), |i| {
                format!(" ({} have a predicted {y} that high)", count(i.willing))
            });
            para(
                out,
                "  Expected participation: ",
                "    ",
                &format!(
                    "{} of {} respondents ({} % interval {} to {}) are expected to reach {y} {} \
                     or more{point}.",
                    num(Some(e.value), 1),
                    count(s.n),
                    num(Some(100.0 * s.level), 0),
                    num(Some(e.lower), 1),
                    num(Some(e.upper), 1),
                    num(Some(s.threshold), 2)
                ),
            )?;
        }
        if let Some(v) = &self.validation {
            let scheme = match (&v.k_fold, &v.leave_one_out) {
                (Some(s), _) => Some((
                    format!("{} × {}-fold cross-validation", s.repeats, s.folds),
                    s,
                )),
                (None, Some(s)) => Some(("leave-one-out cross-validation".to_string(), s)),
                _ => None,
            };
            let found = scheme.and_then(|(name, s)| {
                s.constructs
                    .iter()
                    .find(|c| &c.name == y)
                    .map(|c| (name, c))
            });
            if let Some((scheme, c)) = found {
                let verdict = match c.verdict {
                    Verdict::Better => "better than",
                    Verdict::Worse => "worse than",
                    Verdict::Equal => "exactly as well as",
                };
                let why = if v.saturated {
                    ", as the path model is saturated"
                } else {
                    ""
                };
                para(
                    out,
                    "  Out of sample: ",
                    "    ",
                    &format!(
                        "in {scheme}, {y} of held-out customers is predicted with root mean \
                         squared error (RMSE) {} and Q²predict {} (the share of the squared error of \
                         the training mean that it removes), {verdict} a linear regression \
                         on the traits (RMSE {}){why}; {} % of them fall inside their {} % \
                         prediction interval.",
                        num(Some(c.rmse), 3),
                        num(Some(c.q2_predict), 3),
                        num(Some(c.benchmark.rmse), 3),
                        num(Some(100.0 * c.coverage), 1),
                        num(Some(100.0 * v.level), 0)
                    ),
                )?;
            }
        }
        if let Some(i) = &self.invitations {
            let where_ = match &i.file {
                Some(f) => format!("written to {f}"),
                None => "not written to a file".to_string(),
            };
            para(
                out,
                "  Invitation list: ",
                "    ",
                &format!(
                    "all {} respondents ranked by predicted {y}, with pathway, formats, framing \
                     and the reason, {where_}.",
                    count(i.respondents)
                ),
            )?;
        }
        for (what, path) in &self.files {
            para(out, &format!("  {what}: "), "    ", path)?;
        }
        Ok(())
    }

    fn write_reliability(&self, out: &mut String) -> fmt::Result {
        writeln!(out, "\n1. Constructs and reliability")?;
        para(
            out,
            "  ",
            "  ",
            "alpha: Cronbach's alpha with Feldt's 95 % interval; lambda 6: Guttman's lambda 6; \
             omega: McDonald's omega total; r: average inter-item correlation; SD: standard \
             deviation of the scores.",
        )?;
        let mut t = TextTable::new(&[
            "construct",
            "items",
            "alpha",
            "95 % interval",
            "lambda 6",
            "omega",
            "r",
            "mean",
            "SD",
            "verdict",
        ])
        .left(9)
        .full_width();
        for c in &self.constructs {
            t.row(vec![
                c.name.clone(),
                c.items.to_string(),
                num(c.alpha, 3),
                c.alpha_interval
                    .map_or("–".into(), |(a, b)| interval(a, b, 3)),
                num(c.lambda6, 3),
                num(c.omega, 3),
                num(c.average_r, 3),
                num(c.mean, 3),
                num(c.sd, 3),
                c.alpha
                    .filter(|a| a.is_finite())
                    .map_or("–", alpha_verdict)
                    .to_string(),
            ]);
        }
        t.write(out, 2)?;
        writeln!(
            out,
            "  Weakest item of each construct (lowest corrected item-rest correlation):"
        )?;
        let mut t =
            TextTable::new(&["construct", "item", "item-rest r", "alpha without it"]).left(1);
        for c in &self.constructs {
            if let Some((item, r, without)) = &c.weakest_item {
                t.row(vec![
                    c.name.clone(),
                    item.clone(),
                    num(Some(*r), 3),
                    num(*without, 3),
                ]);
            }
        }
        t.write(out, 4)?;
        for n in &self.reliability_notes {
            para(out, "  Note: ", "    ", n)?;
        }
        Ok(())
    }

    fn write_model(&self, out: &mut String) -> fmt::Result {
        let m = &self.model;
        let y = &self.outcome;
        writeln!(out, "\n2. The readiness path model")?;
        let se = match m.bootstrap {
            Some((ok, asked, seed)) => format!(
                "standard errors and percentile intervals from {} of {} bootstrap draws (seed {seed})",
                count(ok),
                count(asked)
            ),
            None => "standard errors from the information matrix".into(),
        };
        para(
            out,
            "  ",
            "  ",
            &format!(
                "Each mediator is regressed on every trait and {y} on every mediator and trait, \
                 with the mediators' residuals correlated; fitted by maximum likelihood ({}) on \
                 {} respondents with a mean structure; {se}. Coefficients: {}.",
                m.estimator,
                count(m.n),
                self.provenance
            ),
        )?;
        if m.df == 0.0 {
            para(
                out,
                "  Fit: ",
                "  ",
                &format!(
                    "the model is just identified (0 degrees of freedom): it reproduces the \
                     means and covariances of the data exactly, so its fit indices (chi-square \
                     {}, comparative fit index (CFI) {}, root mean square error of approximation \
                     (RMSEA) {}, standardized root mean square residual (SRMR) {}) are trivially \
                     perfect and say nothing about its fit. What it is worth shows in the \
                     variance explained and out of sample.",
                    num(Some(m.chisq), 3),
                    num(Some(m.cfi), 3),
                    num(Some(m.rmsea.0), 3),
                    num(Some(m.srmr), 3)
                ),
            )?;
        } else {
            para(
                out,
                "  Fit: ",
                "  ",
                &format!(
                    "chi-square {} on {} degrees of freedom (p {}); comparative fit index (CFI) \
                     {}; Tucker–Lewis index (TLI) {}; root mean square error of approximation \
                     (RMSEA) {} with 90 % interval {}; standardized root mean square residual \
                     (SRMR) {}.",
                    num(Some(m.chisq), 3),
                    num(Some(m.df), 0),
                    p_value(m.pvalue),
                    num(Some(m.cfi), 3),
                    num(Some(m.tli), 3),
                    num(Some(m.rmsea.0), 3),
                    interval(m.rmsea.1, m.rmsea.2, 3),
                    num(Some(m.srmr), 3)
                ),
            )?;
        }
        let r2: Vec<String> =
            m.r2.iter()
                .map(|(v, r)| format!("{v} {}", num(Some(*r), 3)))
                .collect();
        para(out, "  Variance explained (R²): ", "  ", &r2.join(", "))?;
        if let Some((syntax, summary)) = &self.lavaan {
            writeln!(out, "\n  The model in lavaan syntax:")?;
            for l in syntax.lines() {
                writeln!(out, "  {l}")?;
            }
            writeln!(out)?;
            out.push_str(summary);
            return Ok(());
        }
        para(
            out,
            "  ",
            "  ",
            &format!(
                "Paths (b: estimate on the response scale; beta: standardized estimate; \
                 interval: {}; p: two-sided p-value):",
                self.interval_words().replace(" intervals", " interval")
            ),
        )?;
        let mut t = TextTable::new(&["path", "b", "beta", "interval", "p"]);
        for pth in &m.paths {
            let arrow = if pth.covariance { "↔" } else { "→" };
            t.row(vec![
                format!("{} {arrow} {}", pth.from, pth.to),
                num(Some(pth.effect.est), 3),
                num(Some(pth.std), 3),
                pth.effect
                    .interval
                    .map_or("–".into(), |(a, b)| interval(a, b, 3)),
                p_value(pth.effect.pvalue),
            ]);
        }
        t.write(out, 4)?;
        para(
            out,
            "  ",
            "  ",
            &format!(
                "Effects of each trait on {y} (indirect: through all mediators; total: indirect \
                 plus direct), with their intervals:"
            ),
        )?;
        let mut t = TextTable::new(&[
            "trait", "indirect", "interval", "direct", "interval", "total", "interval",
        ]);
        let iv = |e: &Effect| e.interval.map_or("–".into(), |(a, b)| interval(a, b, 3));
        for (k, (ind, dir, tot)) in m.totals.iter().enumerate() {
            t.row(vec![
                self.traits[k].clone(),
                num(Some(ind.est), 3),
                iv(ind),
                num(Some(dir.est), 3),
                iv(dir),
                num(Some(tot.est), 3),
                iv(tot),
            ]);
        }
        t.write(out, 4)
    }

    fn write_details(&self, out: &mut String) -> fmt::Result {
        writeln!(out, "\nDetails")?;
        if !self.constructs.is_empty() {
            self.write_reliability(out)?;
        }
        self.write_model(out)?;
        if !self.customers.is_empty() {
            writeln!(out, "\n3. Customers, predicted and explained")?;
            para(
                out,
                "  ",
                "  ",
                &format!(
                    "Predicted scores on the response scale; z: standard deviations from the \
                     average customer; the prediction interval covers a new customer's score \
                     with that probability. {CLIPPED} marks an interval cut at the end of the \
                     response scale. Coefficients: {}.",
                    self.provenance
                ),
            )?;
            for c in &self.customers {
                writeln!(out)?;
                for line in c.to_string().lines() {
                    writeln!(out, "  {line}")?;
                }
            }
        }
        if let Some(s) = &self.segmentation {
            writeln!(
                out,
                "\n4. Segments of the whole sample ({} respondents)",
                count(s.n)
            )?;
            out.push_str(&s.to_string());
        }
        if let Some(i) = &self.invitations {
            writeln!(out, "\n5. The invitation list")?;
            para(
                out,
                "  ",
                "  ",
                &format!(
                    "{} respondents ranked by predicted {}; {} reach {} or more; {} with an \
                     imputed trait (predicted from the other traits). The first five:",
                    count(i.respondents),
                    self.outcome,
                    count(i.willing),
                    num(Some(i.threshold), 2),
                    count(i.imputed)
                ),
            )?;
            let mut t = TextTable::new(&["rank", "customer", "predicted", "interval", "pathway"])
                .left(1)
                .left(4);
            for (r, inv) in i.top.iter().enumerate() {
                let (text, _) = super::text::clipped(
                    inv.outcome.interval.0,
                    inv.outcome.interval.1,
                    self.range.min(),
                    self.range.max(),
                    2,
                );
                t.row(vec![
                    (r + 1).to_string(),
                    crate::data::excerpt(&inv.id).to_string(),
                    num(Some(inv.outcome.value), 2),
                    text,
                    inv.pathway.clone(),
                ]);
            }
            t.write(out, 4)?;
            if let Some(f) = &i.file {
                para(out, "  The whole list: ", "    ", f)?;
            }
        }
        if let Some(v) = &self.validation {
            writeln!(out, "\n6. Out-of-sample validity")?;
            out.push_str(&v.to_string());
        }
        if let Some(c) = &self.coproducer {
            writeln!(out, "\n7. Co-producer readiness ({})", c.data)?;
            if c.illustrative {
                para(
                    out,
                    "  ",
                    "  ",
                    "ILLUSTRATIVE data: synthetic answers bundled to show the diagnosis; the \
                     survey has no co-producer items. Give your own with --coproducer.",
                )?;
            }
            out.push_str(&c.report.to_string());
        }
        for n in &self.notes {
            para(out, "note: ", "  ", n)?;
        }
        Ok(())
    }
}

impl fmt::Display for ReadinessReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        let title = format!("Co-creation readiness report: {}", self.data);
        para(&mut out, "", "  ", &title)?;
        writeln!(out)?;
        self.write_summary(&mut out)?;
        self.write_details(&mut out)?;
        f.write_str(&out)
    }
}

impl ReadinessModel {
    /// Up to five respondents of an invitation list worth explaining, each with the
    /// reason it was picked: the largest contribution through each of the first two
    /// mediators among the customers that mediator leads (so that the reason and the
    /// pathway agree), the highest, lowest and median predicted outcome (then the
    /// quartiles, when a pathway has no customer).
    pub fn notable_customers(
        &self,
        list: &InvitationList,
    ) -> Result<Vec<ExplainedCustomer>, ReadinessError> {
        let c = self.constructs();
        let mut rows: Vec<&Invitation> = list.rows.iter().collect();
        rows.sort_by_key(|r| r.row);
        let n = rows.len();
        let by = |key: &dyn Fn(usize) -> f64| {
            let mut v: Vec<usize> = (0..n).collect();
            v.sort_by(|&i, &j| key(j).total_cmp(&key(i)));
            v
        };
        let y = c.outcome();
        let ascending = by(&|i| -rows[i].outcome.value);
        let mut wanted: Vec<(Vec<usize>, String)> = Vec::new();
        for (j, m) in c.mediators().iter().enumerate().take(2) {
            let name = c.pathway_name(Pathway::Led(j));
            let led: Vec<usize> = by(&|i| rows[i].via.get(j).copied().unwrap_or(0.0))
                .into_iter()
                .filter(|&i| rows[i].pathway == name)
                .collect();
            wanted.push((
                led,
                format!("largest contribution via {m} among {name} customers"),
            ));
        }
        wanted.push((
            by(&|i| rows[i].outcome.value),
            format!("highest predicted {y}"),
        ));
        wanted.push((ascending.clone(), format!("lowest predicted {y}")));
        for (at, what) in [
            (n / 2, "median"),
            (n / 4, "lower quartile of"),
            (3 * n / 4, "upper quartile of"),
        ] {
            wanted.push((
                ascending.get(at).into_iter().copied().collect(),
                format!("{what} predicted {y}"),
            ));
        }
        let mut picks: Vec<(usize, String)> = Vec::new();
        for (candidates, why) in wanted {
            if picks.len() == 5 {
                break;
            }
            if let Some(&i) = candidates
                .iter()
                .find(|i| !picks.iter().any(|(j, _)| j == *i))
            {
                picks.push((i, why));
            }
        }
        picks
            .into_iter()
            .map(|(i, reason)| {
                let r = rows[i];
                let mut profile = Profile::default();
                for (t, v) in c.traits().iter().zip(&r.traits) {
                    let missing = r.imputed.iter().any(|m| m == t);
                    profile.set(t, (!missing).then_some(*v));
                }
                Ok(ExplainedCustomer {
                    id: r.id.clone(),
                    row: r.row,
                    reason,
                    prediction: self.predict_partial(&profile)?,
                })
            })
            .collect()
    }
}
