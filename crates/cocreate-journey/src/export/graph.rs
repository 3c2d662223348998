//! A renderer-neutral graph and its DOT and Mermaid syntax.

use std::fmt::Write;

/// How a node is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Negative,
    Confirmed,
    Positive,
    Terminal,
}

impl Style {
    fn fill(self) -> &'static str {
        match self {
            Style::Plain => "#eeeeee",
            Style::Negative => "#f4cccc",
            Style::Confirmed => "#fff2cc",
            Style::Positive => "#d9ead3",
            Style::Terminal => "#cfe2f3",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Style::Plain => "plain",
            Style::Negative => "negative",
            Style::Confirmed => "confirmed",
            Style::Positive => "positive",
            Style::Terminal => "terminal",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub id: String,
    /// Label lines.
    pub lines: Vec<String>,
    pub style: Style,
    /// Drawn with a heavy border (a moment of truth).
    pub emphasis: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    /// Relative weight in [0, 1] for the line width.
    pub weight: f64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    pub name: String,
    /// Clusters of node indices with a title; nodes in no cluster stand alone.
    pub clusters: Vec<(String, Vec<usize>)>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A DOT double-quoted string.
fn dot_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Mermaid label text: quotes and angle brackets as entity codes.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Graph {
    pub(crate) fn to_dot(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "digraph {} {{", dot_quote(&self.name));
        s.push_str("  rankdir=LR;\n");
        s.push_str("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
        s.push_str("  edge [fontname=\"Helvetica\"];\n");
        let mut clustered = vec![false; self.nodes.len()];
        for (k, (title, members)) in self.clusters.iter().enumerate() {
            let _ = writeln!(s, "  subgraph cluster_{k} {{");
            let _ = writeln!(s, "    label={};", dot_quote(title));
            s.push_str("    style=\"rounded\";\n");
            for &i in members {
                clustered[i] = true;
                self.dot_node(&mut s, i, "    ");
            }
            s.push_str("  }\n");
        }
        for i in (0..self.nodes.len()).filter(|&i| !clustered[i]) {
            self.dot_node(&mut s, i, "  ");
        }
        for e in &self.edges {
            let _ = write!(
                s,
                "  {} -> {} [penwidth={:.2}",
                dot_quote(&e.from),
                dot_quote(&e.to),
                1.0 + 4.0 * e.weight.clamp(0.0, 1.0)
            );
            if let Some(label) = &e.label {
                let _ = write!(s, ", label={}", dot_quote(label));
            }
            s.push_str("];\n");
        }
        s.push_str("}\n");
        s
    }

    fn dot_node(&self, s: &mut String, i: usize, indent: &str) {
        let n = &self.nodes[i];
        let _ = write!(
            s,
            "{indent}{} [label={}, fillcolor=\"{}\"",
            dot_quote(&n.id),
            dot_quote(&n.lines.join("\n")),
            n.style.fill()
        );
        if n.emphasis {
            s.push_str(", penwidth=3, color=\"#cc0000\"");
        }
        s.push_str("];\n");
    }

    pub(crate) fn to_mermaid(&self) -> String {
        let mut s = String::from("flowchart LR\n");
        let mut clustered = vec![false; self.nodes.len()];
        for (k, (title, members)) in self.clusters.iter().enumerate() {
            let _ = writeln!(s, "  subgraph c{k}[\"{}\"]", mermaid_text(title));
            for &i in members {
                clustered[i] = true;
                self.mermaid_node(&mut s, i, "    ");
            }
            s.push_str("  end\n");
        }
        for i in (0..self.nodes.len()).filter(|&i| !clustered[i]) {
            self.mermaid_node(&mut s, i, "  ");
        }
        for e in &self.edges {
            match &e.label {
                Some(label) => {
                    let _ = writeln!(s, "  {} -->|\"{}\"| {}", e.from, mermaid_text(label), e.to);
                }
                None => {
                    let _ = writeln!(s, "  {} --> {}", e.from, e.to);
                }
            }
        }
        for style in [
            Style::Plain,
            Style::Negative,
            Style::Confirmed,
            Style::Positive,
            Style::Terminal,
        ] {
            let members: Vec<&str> = self
                .nodes
                .iter()
                .filter(|n| n.style == style)
                .map(|n| n.id.as_str())
                .collect();
            if !members.is_empty() {
                let _ = writeln!(s, "  classDef {} fill:{}", style.class(), style.fill());
                let _ = writeln!(s, "  class {} {}", members.join(","), style.class());
            }
        }
        let emphasised: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| n.emphasis)
            .map(|n| n.id.as_str())
            .collect();
        if !emphasised.is_empty() {
            s.push_str("  classDef moment stroke:#cc0000,stroke-width:3px\n");
            let _ = writeln!(s, "  class {} moment", emphasised.join(","));
        }
        s
    }

    fn mermaid_node(&self, s: &mut String, i: usize, indent: &str) {
        let n = &self.nodes[i];
        let label: Vec<String> = n.lines.iter().map(|l| mermaid_text(l)).collect();
        let _ = writeln!(s, "{indent}{}[\"{}\"]", n.id, label.join("<br/>"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_and_brackets() {
        assert_eq!(dot_quote("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(mermaid_text("a\"<b>#"), "a#quot;#lt;b#gt;#35;");
    }
}
