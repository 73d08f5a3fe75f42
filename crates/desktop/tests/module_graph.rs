//! The crate's module graph has no cycle, and `resident` is its composition root: it wires the
//! tray, notifications and the window channel together, and no module imports it; the leaf
//! modules take narrow handles instead.
//!
//! The test reads `src/` itself: comments and string literals are blanked, then every path
//! that starts with `crate::`, `super::` or `self::` (and `use crate::{a, b}` groups) is
//! resolved to a top-level module (`commands/*` is `commands`). Names the crate root
//! re-exports (`pub use host::Host;` in lib.rs) count as their module. Plain std, no parser
//! crate: it is rough, and a self-check proves it still finds the edges we know are there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The composition root: it may import everything, nothing may import it.
const ROOT: &str = "resident";

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn the_module_graph_is_acyclic_and_resident_is_its_root() {
    let graph = crate_graph();
    let shown = show(&graph);
    println!("edges:\n{shown}");

    // The parser really finds edges (so this cannot pass by finding nothing).
    for (from, to) in [
        (ROOT, "window"),
        ("window", "commands"),
        ("commands", "dto"),
    ] {
        assert!(
            graph.get(from).is_some_and(|t| t.contains(to)),
            "the parser no longer sees {from} -> {to}; edges found:\n{shown}"
        );
    }

    let mut problems = Vec::new();
    if let Some(cycle) = find_cycle(&graph) {
        problems.push(format!(
            "the module graph has a cycle: {}",
            cycle.join(" -> ")
        ));
    }
    let importers: Vec<&str> = graph
        .iter()
        .filter(|(_, to)| to.contains(ROOT))
        .map(|(from, _)| from.as_str())
        .collect();
    if !importers.is_empty() {
        problems.push(format!(
            "`{ROOT}` is the composition root, yet {} import it",
            importers.join(", ")
        ));
    }
    assert!(
        problems.is_empty(),
        "{}\nedges:\n{shown}",
        problems.join("\n")
    );
}

#[test]
fn the_parser_skips_comments_and_strings_and_resolves_super() {
    let known: BTreeSet<String> = ["a", "b", "c", "d", "e", "f", "g", "h", "x"]
        .map(String::from)
        .into();
    let src = r##"
        //! Docs name crate::a, /* and crate::b */ too.
        // use crate::b;
        /// [`crate::b`]
        use crate::{c, d::{self, Y}, };
        const S: &str = "crate::b";
        const R: &str = r#"crate::b "quoted" "#;
        const Q: char = '"';
        fn f<'l>(x: &'l str) -> &'l str { crate::e::go(x) }
        mod tests {
            use super::*;
            use super::super::g;
        }
        use super::h;
    "##;
    let mut refs = BTreeSet::new();
    let reexports = BTreeMap::from([("Thing".to_string(), "f".to_string())]);
    references(
        &strip(src),
        &["x".to_string()],
        &known,
        &reexports,
        &mut refs,
    );
    refs.remove("x"); // `use super::*` in its `mod tests`: itself
    refs.extend(references_of("use crate::Thing;", &known, &reexports));
    let want: BTreeSet<String> = ["c", "d", "e", "f", "g", "h"].map(String::from).into();
    assert_eq!(refs, want);
}

fn references_of(
    src: &str,
    known: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    references(src, &["x".to_string()], known, reexports, &mut refs);
    refs
}

/// Top-level module → the sibling modules it refers to.
fn crate_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    files.sort();
    let modules: Vec<(Vec<String>, String)> = files
        .iter()
        .filter_map(|f| {
            let path = module_path(&src, f)?;
            let text = std::fs::read_to_string(f)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
            Some((path, strip(&text)))
        })
        .collect();
    let known: BTreeSet<String> = modules
        .iter()
        .filter_map(|(p, _)| p.first().cloned())
        .collect();
    assert!(
        known.len() > 5,
        "found too few modules in {}: {known:?}",
        src.display()
    );
    let reexports = modules
        .iter()
        .find(|(p, _)| p.is_empty())
        .map(|(_, text)| root_reexports(text, &known))
        .unwrap_or_default();

    let mut graph: Graph = known.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for (path, text) in &modules {
        let Some(top) = path.first() else {
            continue; // lib.rs, the crate root: it declares the modules
        };
        let mut refs = BTreeSet::new();
        references(text, path, &known, &reexports, &mut refs);
        refs.remove(top);
        graph.entry(top.clone()).or_default().extend(refs);
    }
    graph
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/window.rs` → `[window]`, `src/commands/mod.rs` → `[commands]`,
/// `src/commands/app.rs` → `[commands, app]`, `src/lib.rs` → `[]`; `src/main.rs` is another
/// crate (the binary), so `None`.
fn module_path(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    match (parts.is_empty(), stem) {
        (true, "main") => None,
        (true, "lib") => Some(Vec::new()),
        (_, "mod") => Some(parts),
        _ => {
            parts.push(stem.to_string());
            Some(parts)
        }
    }
}

/// The source with comments (line, doc, block) and the insides of string, raw-string and char
/// literals blanked. Lifetimes (`'a`) stay.
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let at = |k: usize| c.get(k).copied().unwrap_or('\0');
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        let prev = if i == 0 { ' ' } else { c[i - 1] };
        match c[i] {
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                loop {
                    if i >= c.len() {
                        break;
                    } else if c[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(' ');
            }
            // r"…", r#"…"#, br"…"
            'r' if (!ident(prev) || (prev == 'b' && (i < 2 || !ident(c[i - 2])))) && {
                let mut k = i + 1;
                while at(k) == '#' {
                    k += 1;
                }
                at(k) == '"'
            } =>
            {
                let mut hashes = 0;
                i += 1;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1; // the opening quote
                while i < c.len() {
                    if c[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#') {
                        i += 1 + hashes;
                        break;
                    }
                    i += 1;
                }
                out.push_str("\"\"");
            }
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    i += if c[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            '\'' if at(i + 1) == '\\' => {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            }
            '\'' if at(i + 2) == '\'' => {
                i += 3;
                out.push_str("' '");
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::Sep);
            i += 2;
        } else {
            out.push(Tok::Punct(ch));
            i += 1;
        }
    }
    out
}

fn is_ident(t: Option<&Tok>, name: &str) -> bool {
    matches!(t, Some(Tok::Ident(s)) if s == name)
}

/// Adds to `refs` the top-level modules that the (stripped) source of module `path` refers to
/// through `crate::`, `super::` or `self::` paths; inline `mod x { … }` blocks move `super`.
fn references(
    text: &str,
    path: &[String],
    known: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
    refs: &mut BTreeSet<String>,
) {
    let toks = tokens(text);
    let mut depth = 0usize;
    // Inline modules open around the current token: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let add = |name: &str, refs: &mut BTreeSet<String>| {
        if known.contains(name) {
            refs.insert(name.to_string());
        } else if let Some(m) = reexports.get(name) {
            refs.insert(m.clone());
        }
    };
    for i in 0..toks.len() {
        match &toks[i] {
            Tok::Punct('{') => {
                depth += 1;
                if i >= 2 && is_ident(toks.get(i - 2), "mod") {
                    if let Tok::Ident(name) = &toks[i - 1] {
                        inline.push((name.clone(), depth));
                    }
                }
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(first)
                if matches!(first.as_str(), "crate" | "super" | "self")
                    && toks.get(i + 1) == Some(&Tok::Sep)
                    && (i == 0 || toks[i - 1] != Tok::Sep) =>
            {
                let mut base: Vec<String> = path
                    .iter()
                    .cloned()
                    .chain(inline.iter().map(|(n, _)| n.clone()))
                    .collect();
                let mut k = i;
                // crate:: | self:: | super::(super::)*
                match first.as_str() {
                    "crate" => {
                        base.clear();
                        k += 2;
                    }
                    "self" => k += 2,
                    _ => {
                        while is_ident(toks.get(k), "super") && toks.get(k + 1) == Some(&Tok::Sep) {
                            base.pop();
                            k += 2;
                        }
                    }
                }
                if let Some(top) = base.first() {
                    add(top, refs);
                    continue;
                }
                match toks.get(k) {
                    Some(Tok::Ident(name)) => add(name, refs),
                    Some(Tok::Punct('{')) => {
                        for name in group_heads(&toks, k) {
                            add(&name, refs);
                        }
                    }
                    _ => {} // `use crate::*` and the like
                }
            }
            _ => {}
        }
    }
}

/// The first name of each item of the `{ … }` group opening at `toks[open]`.
fn group_heads(toks: &[Tok], open: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for t in &toks[open..] {
        match t {
            Tok::Punct('{') => {
                depth += 1;
                if depth > 1 {
                    item_start = false;
                }
            }
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Tok::Punct(',') if depth == 1 => item_start = true,
            Tok::Ident(name) if depth == 1 && item_start => {
                item_start = false;
                if name != "self" {
                    heads.push(name.clone());
                }
            }
            _ => {}
        }
    }
    heads
}

/// What the crate root re-exports from a module (`pub use host::Host;` → Host → host).
fn root_reexports(text: &str, known: &BTreeSet<String>) -> BTreeMap<String, String> {
    let toks = tokens(text);
    let mut out = BTreeMap::new();
    for i in 0..toks.len() {
        if !is_ident(toks.get(i), "use") {
            continue;
        }
        let Some(Tok::Ident(module)) = toks.get(i + 1) else {
            continue;
        };
        if !known.contains(module) {
            continue;
        }
        let end = toks[i..]
            .iter()
            .position(|t| *t == Tok::Punct(';'))
            .map_or(toks.len(), |p| i + p);
        for (k, t) in toks.iter().enumerate().take(end).skip(i + 2) {
            if let Tok::Ident(name) = t {
                let next = toks.get(k + 1);
                let leaf = matches!(next, Some(Tok::Punct(',' | '}' | ';')));
                if leaf && name != "self" {
                    out.insert(name.clone(), module.clone());
                }
            }
        }
    }
    out
}

/// A cycle as a path (`a -> b -> a`), if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_string(), Mark::OnStack);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next).copied().unwrap_or(Mark::New) {
                Mark::OnStack => {
                    let from = stack.iter().position(|n| n == next).expect("on the stack");
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(next, graph, marks, stack) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(cycle) = visit(node, graph, &mut marks, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

fn show(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(from, to)| {
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            format!("  {from} -> {}", to.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
