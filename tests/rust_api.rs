//! `weft::build` called the way the README's `build.rs` calls it: a
//! frontend bundled into `OUT_DIR`, and a `cargo:rerun-if-changed` line for
//! every file the bundle was made from, so cargo runs the script again when
//! one of them changes and only then.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::{node_stdout, require_node, write_file};

/// The README's `build.rs`, with `CARGO_MANIFEST_DIR` and `OUT_DIR` passed
/// in and what it prints returned: the lines for cargo on success, the
/// rendered diagnostics on failure.
fn build_script(manifest_dir: &Path, out_dir: &Path) -> Result<Vec<String>, String> {
    let mut options = weft::BuildOptions::new("frontend/src/main.ts", out_dir.join("app.js"));
    options.cwd = manifest_dir.to_path_buf();
    options.minify_whitespace = true;
    options.minify_syntax = true;
    options.minify_identifiers = true;
    match weft::build(&options) {
        Ok(output) => Ok(output
            .inputs
            .iter()
            .map(|input| format!("cargo:rerun-if-changed={}", input.display()))
            .collect()),
        Err(diagnostics) => Err(diagnostics.render(&options.cwd)),
    }
}

/// A crate's folder with a TypeScript frontend that uses an npm package.
fn crate_with_frontend(dir: &Path) {
    write_file(
        dir,
        "frontend/src/main.ts",
        "import { title } from './title';\nimport pad from 'left-pad';\n\nconsole.log(pad(title('weft'), 8, '.'));\n",
    );
    write_file(
        dir,
        "frontend/src/title.ts",
        "export const title = (s: string): string => s[0].toUpperCase() + s.slice(1);\n",
    );
    write_file(
        dir,
        "frontend/node_modules/left-pad/package.json",
        r#"{ "name": "left-pad", "version": "1.0.0", "main": "index.js" }"#,
    );
    write_file(
        dir,
        "frontend/node_modules/left-pad/index.js",
        "module.exports = (s, n, c) => c.repeat(Math.max(0, n - s.length)) + s;\n",
    );
    // Not imported: no reason to run the build script again when it changes.
    write_file(dir, "frontend/src/unused.ts", "export const unused = 1;\n");
}

#[test]
fn a_build_script_bundles_into_out_dir_and_names_every_input() {
    require_node();
    let tmp = tempfile::tempdir().unwrap();
    let manifest_dir = tmp.path().join("my-crate");
    let out_dir = tmp.path().join("target/debug/build/my-crate-1234/out");
    crate_with_frontend(&manifest_dir);

    let lines = build_script(&manifest_dir, &out_dir).unwrap_or_else(|e| panic!("{e}"));

    let expected: Vec<String> = [
        "frontend/node_modules/left-pad/index.js",
        "frontend/src/main.ts",
        "frontend/src/title.ts",
    ]
    .iter()
    .map(|input| {
        format!(
            "cargo:rerun-if-changed={}",
            manifest_dir.join(input).display()
        )
    })
    .collect();
    assert_eq!(lines, expected);
    assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 1, "only app.js");
    assert_eq!(node_stdout(&out_dir, "app.js"), "....Weft\n");
}

#[test]
fn a_failing_build_script_says_where() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest_dir = tmp.path().to_path_buf();
    let out_dir: PathBuf = tmp.path().join("out");
    crate_with_frontend(&manifest_dir);
    write_file(
        &manifest_dir,
        "frontend/src/title.ts",
        "export const title = (s: string) => s.;\n",
    );

    let rendered = build_script(&manifest_dir, &out_dir).unwrap_err();

    assert!(
        rendered.contains("--> frontend/src/title.ts:1:"),
        "{rendered}"
    );
    assert!(!out_dir.exists(), "nothing is written");
}
