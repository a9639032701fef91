//! three.js, ten times over: ten copies of `three/src` (about 3,900 ES
//! modules in all) are bundled into one file with 1 and with 4 threads. The
//! two outputs must be identical, and the bundle must work under Node.
//!
//! The package comes from the npm registry at the version pinned in
//! `fixtures/three/package-lock.json`; it is installed on first use.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::copy_dir;

const COPIES: usize = 10;

fn describe(out: &Output) -> String {
    format!(
        "exit status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `fixtures/three/node_modules/three/src`, installed with `npm ci` if absent.
fn three_src() -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/three");
    let src = fixture.join("node_modules/three/src");
    if !src.join("Three.js").is_file() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&fixture)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "this test needs npm to install three.js into {}, \
                     but `npm` could not be run: {e}",
                    fixture.display()
                )
            });
        assert!(
            out.status.success(),
            "`npm ci` in {} failed\n{}",
            fixture.display(),
            describe(&out)
        );
        assert!(
            src.join("Three.js").is_file(),
            "`npm ci` did not install {}",
            src.join("Three.js").display()
        );
    }
    src
}

/// The bundle, and what `--timing` reported.
fn weft_bundle(dir: &Path, threads: &str, outfile: &str) -> (Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args([
            "bundle",
            "main.js",
            "--format",
            "esm",
            "--threads",
            threads,
            "--timing",
            "-o",
            outfile,
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("failed to run the weft binary");
    assert!(
        out.status.success(),
        "bundling with --threads {threads} failed\n{}",
        describe(&out)
    );
    let timing = String::from_utf8_lossy(&out.stderr).into_owned();
    (fs::read(dir.join(outfile)).unwrap(), timing)
}

/// The paths `weft graph --format json` lists, in its order.
fn weft_graph(dir: &Path) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["graph", "main.js", "--format", "json"])
        .current_dir(dir)
        .output()
        .expect("failed to run the weft binary");
    assert!(
        out.status.success(),
        "weft graph failed\n{}",
        describe(&out)
    );
    let graph: serde_json::Value = serde_json::from_slice(&out.stdout).expect("graph JSON");
    graph["modules"]
        .as_array()
        .expect("a modules array")
        .iter()
        .map(|m| m["path"].as_str().expect("a path").to_string())
        .collect()
}

fn node(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("node")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("could not run `node` (is Node.js installed and on PATH?): {e}")
        });
    assert!(
        out.status.success(),
        "node {} failed\n{}",
        args.join(" "),
        describe(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ten_copies_of_three() {
    let src = three_src();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    let mut main = String::new();
    for i in 0..COPIES {
        copy_dir(&src, &dir.join(format!("copy{i}")));
        main.push_str(&format!(
            "import * as copy{i} from './copy{i}/Three.js';\nexport {{ copy{i} }};\n"
        ));
    }
    fs::write(dir.join("main.js"), main).unwrap();
    fs::write(
        dir.join("package.json"),
        "{\"type\":\"module\",\"private\":true}\n",
    )
    .unwrap();

    let (one, timing) = weft_bundle(dir, "1", "bundle-t1.js");
    let (four, _) = weft_bundle(dir, "4", "bundle-t4.js");
    // Every import found before parsing, and the same modules in the graph.
    let modules = 1 + 387 * COPIES;
    assert!(
        timing.contains(&format!("modules: {modules}\n")) && timing.contains("prescan misses: 0\n"),
        "--timing reported:\n{timing}"
    );
    let graph = weft_graph(dir);
    assert_eq!(graph.len(), modules, "modules in weft graph");
    let distinct: std::collections::HashSet<&String> = graph.iter().collect();
    assert_eq!(
        distinct.len(),
        modules,
        "a module listed twice by weft graph"
    );
    assert!(!one.is_empty(), "empty bundle");
    if one != four {
        let at = one
            .iter()
            .zip(four.iter())
            .position(|(a, b)| a != b)
            .unwrap_or(one.len().min(four.len()));
        panic!(
            "the bundles made with 1 and 4 threads differ at byte {at} (sizes {} and {})",
            one.len(),
            four.len()
        );
    }

    let check = "const target = process.argv[2];
const { copy3, copy7 } = await import(target);
console.log(typeof copy3.Vector3);
console.log(new copy7.Vector3(1, 2, 3).length());
";
    fs::write(dir.join("check.mjs"), check).unwrap();
    let expected = "function\n3.7416573867739413\n";
    assert_eq!(
        node(dir, &["check.mjs", "./main.js"]),
        expected,
        "unbundled sources"
    );
    assert_eq!(
        node(dir, &["check.mjs", "./bundle-t1.js"]),
        expected,
        "bundle"
    );
}
