//! Input the build works around: each problem is a warning on stderr with
//! its `file:line:col`, the build still succeeds (exit 0) and writes its
//! output; `--log-level error` leaves warnings out; the Rust API returns
//! them in `BuildOutput::warnings`.

mod support;

use std::path::Path;

use support::{node_stdout, weft, write_file as write};

/// A compiled file whose `sourceMappingURL` names a map that is not there:
/// the reference is on line 4, the URL from column 22.
fn program_with_a_missing_map(dir: &Path) {
    write(
        dir,
        "main.mjs",
        "import { twice } from './lib.js';\nconsole.log(twice(21));\n",
    );
    write(
        dir,
        "lib.js",
        "export function twice(n) {\n  return n * 2;\n}\n//# sourceMappingURL=lib.js.map\n",
    );
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Bundles [`program_with_a_missing_map`] into `out.mjs` with `extra`
/// arguments, in a folder of its own (kept for as long as it is held).
fn bundle_with_a_missing_map(extra: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().expect("temp dir");
    program_with_a_missing_map(dir.path());
    let mut args = vec!["bundle", "main.mjs", "-o", "out.mjs"];
    args.extend_from_slice(extra);
    let out = weft(dir.path(), &args);
    (dir, out)
}

#[test]
fn an_unreadable_input_source_map_is_a_warning() {
    let (dir, out) = bundle_with_a_missing_map(&["--sourcemap"]);
    let text = stderr(&out);
    assert!(
        out.status.success(),
        "a warning does not fail the build:\n{text}"
    );
    assert!(
        text.contains("warning: could not read the source map lib.js.map"),
        "{text}"
    );
    assert!(text.contains(" --> lib.js:4:22\n"), "{text}");
    assert!(text.contains("1 warning\n"), "{text}");
    assert_eq!(node_stdout(dir.path(), "out.mjs"), "42\n");
    assert!(dir.path().join("out.mjs.map").is_file());

    // Without --sourcemap input maps are not read, so there is nothing to
    // warn of.
    let (_dir, out) = bundle_with_a_missing_map(&[]);
    assert!(out.status.success());
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn a_failed_build_still_shows_the_warnings_of_its_other_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    program_with_a_missing_map(dir.path());
    write(dir.path(), "broken.mjs", "import './missing.js';\n");
    let out = weft(
        dir.path(),
        &[
            "bundle",
            "main.mjs",
            "broken.mjs",
            "--outdir",
            "out",
            "--sourcemap",
        ],
    );
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(" --> broken.mjs:1:8\n"), "{text}");
    assert!(
        text.contains("warning: could not read the source map lib.js.map"),
        "{text}"
    );
    assert!(text.contains(" --> lib.js:4:22\n"), "{text}");
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn log_level_error_leaves_warnings_out() {
    let (_dir, out) = bundle_with_a_missing_map(&["--sourcemap", "--log-level", "error"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn a_jsx_factory_pragma_under_the_automatic_runtime_is_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "main.jsx",
        "/** @jsx h */\nconsole.log(typeof <div />);\n",
    );
    let out = weft(
        dir.path(),
        &["bundle", "main.jsx", "-o", "out.js", "--external", "react"],
    );
    let text = stderr(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(
            "warning: the JSX factory cannot be set when using the automatic JSX runtime"
        ),
        "{text}"
    );
    assert!(text.contains(" --> main.jsx:1:5\n"), "{text}");

    // `@jsxRuntime classic` makes the pragma count: no warning.
    write(
        dir.path(),
        "main.jsx",
        "/**\n * @jsxRuntime classic\n * @jsx h\n */\nfunction h(tag) { return tag; }\nconsole.log(<p />);\n",
    );
    let out = weft(dir.path(), &["bundle", "main.jsx", "-o", "out.js"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(node_stdout(dir.path(), "out.js"), "p\n");
}

#[test]
fn the_rust_api_returns_warnings() {
    let dir = tempfile::tempdir().expect("temp dir");
    program_with_a_missing_map(dir.path());
    let mut options = weft::BuildOptions::new("main.mjs", "out.mjs");
    options.cwd = dir.path().to_path_buf();
    options.source_maps = weft::SourceMaps::Linked;
    let output = weft::build(&options).expect("the build succeeds");
    let warnings = &output.warnings.0;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let location = warnings[0].location.as_ref().expect("a location");
    assert!(location.path.ends_with("lib.js"), "{location:?}");
    assert_eq!((location.line, location.column), (4, 22));
}

/// `import.meta` does not parse outside an ES module: script output gets an
/// empty object in its place (as esbuild does), with a warning at each use,
/// and the bundle runs.
#[test]
fn import_meta_in_script_output_is_an_empty_object_with_a_warning() {
    for format in ["cjs", "iife"] {
        let dir = tempfile::tempdir().unwrap();
        support::write_file(
            dir.path(),
            "main.mjs",
            "console.log(typeof import.meta, import.meta.url);\n",
        );
        let out = support::weft(
            dir.path(),
            &["bundle", "main.mjs", "-o", "out.js", "--format", format],
        );
        let stderr = stderr(&out);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "warning: import.meta is not available in --format {format} output"
            )),
            "{stderr}"
        );
        assert!(stderr.contains("--> main.mjs:1:20"), "{stderr}");
        assert_eq!(
            support::node_stdout(dir.path(), "out.js"),
            "object undefined\n"
        );
    }
}
