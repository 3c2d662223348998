//! The house rule that keeps every crate readable bottom-up: no module imports from a
//! module that imports it, directly or through others.
//!
//! Each `.rs` file under `crates/*/src` is a module. An edge runs from a module to every
//! module it names by a `crate::…` or `super::…` path (in a `use` or written inline),
//! leaving out its own ancestors (a child may use what its parent declares) and the test
//! code after `#[cfg(test)]`. A strongly connected set of more than one module is a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are module `a::b`; `src/lib.rs` is the root.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every `crate::x::y…` and `super::…` path in the text, as its segments.
fn paths(text: &str) -> Vec<Vec<&str>> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && (is_ident_char(bytes[at - 1] as char) || bytes[at - 1] == b':') {
                continue;
            }
            let mut end = at;
            while end < text.len() {
                let rest = &text[end..];
                let c = rest.chars().next().expect("non-empty");
                if is_ident_char(c) {
                    end += c.len_utf8();
                } else if rest.starts_with("::")
                    && rest[2..].chars().next().is_some_and(is_ident_char)
                {
                    end += 2;
                } else {
                    break;
                }
            }
            found.push(text[at..end].split("::").collect());
        }
    }
    found
}

/// The modules each module names, within one crate.
fn edges(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Module, PathBuf> =
        files.into_iter().map(|f| (module_of(src, &f), f)).collect();
    let mut graph = BTreeMap::new();
    for (m, file) in &modules {
        let text = std::fs::read_to_string(file).expect("readable source");
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let is_dir_module = file.ends_with("mod.rs") || file.ends_with("lib.rs");
        let base: Module = if is_dir_module {
            m.clone()
        } else {
            m[..m.len().saturating_sub(1)].to_vec()
        };
        let mut out = BTreeSet::new();
        for segs in paths(text) {
            let (mut cur, mut rest) = if segs[0] == "crate" {
                (Vec::new(), &segs[1..])
            } else {
                (base.clone(), &segs[1..])
            };
            while rest.first() == Some(&"super") {
                cur.pop();
                rest = &rest[1..];
            }
            let target = (1..=rest.len()).rev().find_map(|k| {
                let mut t = cur.clone();
                t.extend(rest[..k].iter().map(|s| s.to_string()));
                modules.contains_key(&t).then_some(t)
            });
            if let Some(t) = target {
                let is_ancestor = t.len() < m.len() && m[..t.len()] == t[..];
                if &t != m && !is_ancestor {
                    out.insert(t);
                }
            }
        }
        graph.insert(m.clone(), out);
    }
    graph
}

/// Strongly connected sets of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        out: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Module) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in &s.graph[v] {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().expect("on the stack");
                s.on_stack.remove(w);
                comp.push(if w.is_empty() {
                    "lib".to_string()
                } else {
                    w.join("/")
                });
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_crate_has_a_module_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    let mut found = Vec::new();
    let mut crates: Vec<_> = std::fs::read_dir(&root)
        .expect("crates/")
        .map(|e| e.expect("entry").path())
        .collect();
    crates.sort();
    for krate in crates {
        let src = krate.join("src");
        if !src.is_dir() {
            continue;
        }
        for cycle in cycles(&edges(&src)) {
            found.push(format!(
                "{}: {}",
                krate.file_name().unwrap_or_default().to_string_lossy(),
                cycle.join(", ")
            ));
        }
    }
    assert!(
        found.is_empty(),
        "module cycles (break each by moving what both sides need into a module below them):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_a_cycle() {
    let graph: BTreeMap<Module, BTreeSet<Module>> = [
        (vec!["a".to_string()], [vec!["b".to_string()]].into()),
        (vec!["b".to_string()], [vec!["a".to_string()]].into()),
        (vec!["c".to_string()], [vec!["a".to_string()]].into()),
    ]
    .into();
    assert_eq!(cycles(&graph), vec![vec!["a".to_string(), "b".to_string()]]);
    let p = paths("use super::super::x::Y; let z = crate::m::f(); notcrate::q");
    assert_eq!(
        p,
        vec![vec!["crate", "m", "f"], vec!["super", "super", "x", "Y"]]
    );
}
