//! The resident process must not link a web view (docs/architecture.md, "The desktop"): its
//! dependency tree, as resolved in Cargo.lock, reaches no tauri, wry, tao, WebKitGTK or GTK
//! crate. Cargo.lock records, per package, every dependency any build of the workspace
//! resolved, so the walk below is a superset of what `deskbell-desktop` links: if it is clean,
//! the binary is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Package name → the names of its dependencies.
fn lock_graph() -> BTreeMap<String, BTreeSet<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    let text = std::fs::read_to_string(&path).expect("Cargo.lock");
    let lock: toml::Table = text.parse().expect("Cargo.lock is TOML");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in lock["package"].as_array().expect("[[package]]") {
        let name = p["name"].as_str().unwrap().to_string();
        let deps = p.get("dependencies").and_then(|d| d.as_array());
        let deps = deps.into_iter().flatten().filter_map(|d| d.as_str());
        // An entry is "name", "name version" or "name version (source)".
        let deps = deps.map(|d| d.split(' ').next().unwrap_or(d).to_string());
        graph.entry(name).or_default().extend(deps);
    }
    graph
}

fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(p) = todo.pop() {
        if seen.insert(p.clone()) {
            todo.extend(graph.get(&p).into_iter().flatten().cloned());
        }
    }
    seen
}

const WEB_VIEW: &[&str] = &[
    "tauri",
    "wry",
    "tao",
    "webkit2gtk",
    "webkit2gtk-sys",
    "javascriptcore-rs",
    "gtk",
    "gtk-sys",
    "gdk",
];

#[test]
fn the_resident_process_links_no_web_view() {
    let graph = lock_graph();
    let tree = reachable(&graph, "deskbell-desktop");
    assert!(tree.contains("deskbell"), "the walk reaches the core");
    assert!(tree.contains("ksni"), "and the tray");
    let found: Vec<_> = WEB_VIEW.iter().filter(|c| tree.contains(**c)).collect();
    assert!(found.is_empty(), "deskbell-desktop reaches {found:?}");
    // The same walk does find the web view from the window: the check can fail.
    let window = reachable(&graph, "deskbell-window");
    assert!(window.contains("tauri") && window.contains("wry"));
    assert!(
        !window.contains("deskbell"),
        "the window depends on the wire crate, not on the core"
    );
}
