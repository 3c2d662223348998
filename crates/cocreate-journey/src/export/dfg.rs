//! DOT and Mermaid for a directly-follows graph.

use super::graph::{Edge, Graph, Node, Style};
use crate::Dfg;

impl Dfg {
    fn graph(&self) -> Graph {
        let mut graph = Graph {
            name: "directly-follows graph".into(),
            ..Graph::default()
        };
        let max = self
            .edges()
            .iter()
            .map(|e| e.count)
            .chain(self.start_activities().iter().map(|a| a.count))
            .chain(self.end_activities().iter().map(|a| a.count))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let mut used = vec![false; self.activities().len()];
        for e in self.edges() {
            used[e.from as usize] = true;
            used[e.to as usize] = true;
        }
        for a in self.start_activities().iter().chain(self.end_activities()) {
            used[a.activity as usize] = true;
        }
        for (i, name) in self.activities().iter().enumerate() {
            if used[i] {
                graph.nodes.push(Node {
                    id: format!("a{i}"),
                    lines: vec![name.clone()],
                    style: Style::Plain,
                    emphasis: false,
                });
            }
        }
        for (id, label) in [("start", "start"), ("end", "end")] {
            graph.nodes.push(Node {
                id: id.into(),
                lines: vec![label.into()],
                style: Style::Terminal,
                emphasis: false,
            });
        }
        let edge = |from: String, to: String, count: u64| Edge {
            from,
            to,
            label: Some(count.to_string()),
            weight: count as f64 / max,
        };
        for a in self.start_activities() {
            graph
                .edges
                .push(edge("start".into(), format!("a{}", a.activity), a.count));
        }
        for e in self.edges() {
            graph
                .edges
                .push(edge(format!("a{}", e.from), format!("a{}", e.to), e.count));
        }
        for a in self.end_activities() {
            graph
                .edges
                .push(edge(format!("a{}", a.activity), "end".into(), a.count));
        }
        graph
    }

    /// The graph as Graphviz DOT: activities as boxes, edges labelled with their counts
    /// and drawn thicker the more frequent they are, plus start and end nodes.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, Outcome, StageOrder, Timestamp};
    ///
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// b.push("A", Timestamp::from_unix_seconds(0), "call \"centre\"", "inquiry", Outcome::Continue, 0.0)?;
    /// b.push("A", Timestamp::from_unix_seconds(9), "store", "purchase", Outcome::Convert, 5.0)?;
    /// let dot = Dfg::discover(&b.build(), ActivityKey::Touchpoint).to_dot();
    /// assert!(dot.contains("label=\"call \\\"centre\\\"\""));
    /// assert!(dot.contains("\"a0\" -> \"a1\""));
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn to_dot(&self) -> String {
        self.graph().to_dot()
    }

    /// The graph as a Mermaid flowchart.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, Outcome, StageOrder, Timestamp};
    ///
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Leave, 0.0)?;
    /// let m = Dfg::discover(&b.build(), ActivityKey::Touchpoint).to_mermaid();
    /// assert!(m.contains("start -->|\"1\"| a0"));
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn to_mermaid(&self) -> String {
        self.graph().to_mermaid()
    }
}
