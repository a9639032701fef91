//! `weft graph`: the module graph from the pre-scan and the resolver alone.
//! It lists every module the bundle would load, once; `--cycles` lists the
//! import cycles Kahn's algorithm finds and exits with 1 when there is one.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use support::weft;
use weft::BuildOptions;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/programs")
        .join(name)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn cycles_lists_each_import_cycle_and_fails() {
    let dir = fixture("import_cycles_three");
    let out = weft(&dir, &["graph", "main.js", "--cycles"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        "cycle 1 (2 modules):\n  a.js\n  b.js\n\
         cycle 2 (3 modules):\n  c.js\n  d.js\n  e.js\n\
         cycle 3 (2 modules):\n  g.js\n  h.js\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 import cycle(s) among 10 modules"));
}

#[test]
fn cycles_succeeds_on_an_acyclic_graph() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("main.js"),
        "import './a.js';\nimport('./main.js');\n",
    )
    .unwrap();
    fs::write(tmp.path().join("a.js"), "export {};\n").unwrap();
    let out = weft(tmp.path(), &["graph", "main.js", "--cycles"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "");
}

/// The graph lists exactly the modules a bundle of the same entry reads,
/// each once, entries first.
#[test]
fn json_lists_the_modules_the_bundle_loads() {
    let dir = fixture("import_cycles_three");
    let out = weft(&dir, &["graph", "main.js", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let graph: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let modules = graph["modules"].as_array().unwrap();
    let mut paths: Vec<&str> = modules
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths[0], "main.js");
    assert_eq!(
        modules[0]["imports"][0],
        serde_json::json!({"specifier": "./a.js", "kind": "import", "resolved": "a.js"})
    );
    paths.sort();

    let mut options = BuildOptions::new(dir.join("main.js"), dir.join("unused.js"));
    options.cwd = dir.clone();
    options.write = false;
    let built = weft::build(&options).unwrap_or_else(|d| panic!("{}", d.render(&dir)));
    let inputs: Vec<String> = built
        .inputs
        .iter()
        .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(paths, inputs);
}

#[test]
fn json_marks_externals_and_unresolved_imports() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("main.js"),
        "import fs from 'node:fs';\nimport missing from './missing.js';\n",
    )
    .unwrap();
    let out = weft(
        tmp.path(),
        &["graph", "main.js", "--format", "json", "--platform", "node"],
    );
    assert!(out.status.success(), "{out:?}");
    let graph: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let imports = &graph["modules"][0]["imports"];
    assert_eq!(imports[0]["resolved"], serde_json::Value::Null);
    assert_eq!(imports[0]["external"], true);
    assert_eq!(imports[1]["resolved"], serde_json::Value::Null);
    assert!(imports[1]["error"].is_string(), "{imports}");
}

#[test]
fn dot_has_a_node_per_module_and_an_edge_per_import() {
    let dir = fixture("import_cycles_three");
    let out = weft(&dir, &["graph", "main.js", "--format", "dot"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.starts_with("digraph modules {\n") && text.ends_with("}\n"),
        "{text}"
    );
    assert_eq!(text.matches(" [label=").count(), 10, "{text}");
    assert_eq!(text.matches(" -> ").count(), 13, "{text}");
    assert_eq!(text.matches("[style=dashed]").count(), 2, "{text}");
}

#[test]
fn a_missing_entry_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = weft(tmp.path(), &["graph", "nope.js"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("entry point not found: nope.js"));
    assert!(out.stdout.is_empty());
}
