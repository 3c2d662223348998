//! The map of one journey.

use super::graph::{Edge, Graph, Node, Style};
use crate::{DisconfirmationClass, Journey, MomentOptions};

/// A journey map: the encounters in time order, grouped by stage, each labelled with its
/// touchpoint and disconfirmation, coloured by the worse of its two disconfirmation
/// classes (red negative, yellow confirmed, green positive, grey nothing to compare), with
/// moments of truth drawn bold, and the final outcome at the end.
///
/// ```
/// use cocreate_journey::{Encounter, Experience, JourneyBuilder, JourneyMap, MomentOptions, Outcome, ResponseRange, Stage, Timestamp, Touchpoint};
///
/// let t = Timestamp::from_unix_seconds;
/// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
///     .prior_expectation(Experience::both(5.0))
///     .encounter(Encounter::new(Touchpoint::brand("web shop"), Stage::Evaluation, t(0))
///         .perceiving(Experience::new(6.5, 5.0)))
///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(60))
///         .perceiving(Experience::new(5.0, 2.0))
///         .with_outcome(Outcome::Convert))
///     .build()?;
/// let map = JourneyMap::new(&j, MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?);
/// let dot = map.to_dot();
/// assert!(dot.starts_with("digraph \"journey C1\" {"));
/// assert!(dot.contains("\"e0\" -> \"e1\""));
/// assert!(map.to_mermaid().starts_with("flowchart LR"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JourneyMap<'a> {
    journey: &'a Journey,
    options: MomentOptions,
}

impl<'a> JourneyMap<'a> {
    /// A map of `journey`, classifying disconfirmation and moments of truth with `options`.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, JourneyBuilder, JourneyMap, MomentOptions, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    ///     .build()?;
    /// let map = JourneyMap::new(&j, MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?);
    /// assert!(map.to_dot().contains("cluster_0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(journey: &'a Journey, options: MomentOptions) -> Self {
        JourneyMap { journey, options }
    }

    fn graph(&self) -> Graph {
        let j = self.journey;
        let moments = j.moments_of_truth(&self.options);
        let disconfirmations = j.disconfirmations(self.options.tolerance());
        let mut graph = Graph {
            name: format!("journey {}", j.customer_id()),
            ..Graph::default()
        };
        for (i, e) in j.encounters().iter().enumerate() {
            let mut lines = vec![e.touchpoint.id.clone()];
            let mut style = Style::Plain;
            if let Some(d) = disconfirmations.iter().find(|d| d.index == i) {
                lines.push(format!(
                    "D func {:+.2} / emo {:+.2}",
                    d.disconfirmation.functional, d.disconfirmation.emotional
                ));
                style = match d.functional_class.min(d.emotional_class) {
                    DisconfirmationClass::Negative => Style::Negative,
                    DisconfirmationClass::Positive => Style::Positive,
                    _ => Style::Confirmed,
                };
            }
            let first = moments.first.as_ref().is_some_and(|m| m.index == i);
            let critical = moments.critical.iter().any(|m| m.index == i);
            if first {
                lines.push("first moment of truth".into());
            }
            if critical {
                lines.push("critical moment".into());
            }
            graph.nodes.push(Node {
                id: format!("e{i}"),
                lines,
                style,
                emphasis: first || critical,
            });
            let same_stage = i > 0 && j.encounters()[i - 1].stage == e.stage;
            match graph.clusters.last_mut() {
                Some((_, members)) if same_stage => members.push(i),
                _ => graph.clusters.push((e.stage.name().to_owned(), vec![i])),
            }
            if i > 0 {
                let dt = e.timestamp.seconds_since(j.encounters()[i - 1].timestamp);
                graph.edges.push(Edge {
                    from: format!("e{}", i - 1),
                    to: format!("e{i}"),
                    label: Some(human_duration(dt)),
                    weight: 0.0,
                });
            }
        }
        let n = j.encounters().len();
        graph.nodes.push(Node {
            id: "outcome".into(),
            lines: vec![format!("outcome: {}", j.outcome())],
            style: Style::Terminal,
            emphasis: false,
        });
        graph.edges.push(Edge {
            from: format!("e{}", n - 1),
            to: "outcome".into(),
            label: None,
            weight: 0.0,
        });
        graph
    }

    /// The map as Graphviz DOT.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, JourneyMap, MomentOptions, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    /// #     .build()?;
    /// let dot = JourneyMap::new(&j, MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?).to_dot();
    /// assert!(dot.contains("\"e0\" -> \"outcome\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_dot(&self) -> String {
        self.graph().to_dot()
    }

    /// The map as a Mermaid flowchart.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, JourneyMap, MomentOptions, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    /// #     .build()?;
    /// let mermaid = JourneyMap::new(&j, MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?).to_mermaid();
    /// assert!(mermaid.contains("e0 --> outcome"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_mermaid(&self) -> String {
        self.graph().to_mermaid()
    }
}

/// A duration as the largest sensible unit ("45 s", "3.2 h", "2.0 d").
pub(crate) fn human_duration(seconds: f64) -> String {
    let s = seconds.abs();
    if s < 90.0 {
        format!("{seconds:.0} s")
    } else if s < 5400.0 {
        format!("{:.1} min", seconds / 60.0)
    } else if s < 172_800.0 {
        format!("{:.1} h", seconds / 3600.0)
    } else {
        format!("{:.1} d", seconds / 86_400.0)
    }
}
