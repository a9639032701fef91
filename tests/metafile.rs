//! `--metafile`, `--banner` and `--footer`: the metafile has esbuild's shape
//! and agrees with the files on disk; banner and footer frame the bundle,
//! which still runs as the source does; a failed build writes neither.

mod support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::{node_stdout as node, weft, write_file as write};

/// ES modules, a CommonJS module, a JSON file, an external built-in and a
/// dynamic import.
fn project(dir: &Path) {
    write(
        dir,
        "main.mjs",
        r#"import { readFileSync } from "node:fs";
import { twice } from "./lib/math.mjs";
import legacy from "./lib/legacy.cjs";
export const answer = twice(21);
export { legacy };
console.log(answer, legacy.name, typeof readFileSync);
import("./lib/late.mjs").then((m) => console.log(m.late));
"#,
    );
    write(dir, "lib/math.mjs", "export const twice = (x) => x * 2;\n");
    write(
        dir,
        "lib/legacy.cjs",
        "const data = require('./data.json');\nmodule.exports = { name: data.name };\n",
    );
    write(dir, "lib/data.json", "{ \"name\": \"legacy\" }\n");
    write(dir, "lib/late.mjs", "export const late = 'late';\n");
}

#[test]
fn metafile_describes_inputs_and_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    let out = weft(
        dir,
        &[
            "bundle",
            "main.mjs",
            "-o",
            "dist/app.mjs",
            "--platform",
            "node",
            "--metafile",
            "dist/meta.json",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let meta: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("dist/meta.json")).unwrap()).unwrap();

    let inputs = meta["inputs"].as_object().unwrap();
    let mut names: Vec<&str> = inputs.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "lib/data.json",
            "lib/late.mjs",
            "lib/legacy.cjs",
            "lib/math.mjs",
            "main.mjs"
        ]
    );
    for (path, input) in inputs {
        let on_disk = fs::metadata(dir.join(path)).unwrap().len();
        assert_eq!(input["bytes"].as_u64(), Some(on_disk), "bytes of {path}");
        for import in input["imports"].as_array().unwrap() {
            if import["external"] != true {
                let target = import["path"].as_str().unwrap();
                assert!(
                    inputs.contains_key(target),
                    "{path} imports {target}, not an input"
                );
            }
        }
    }
    assert_eq!(inputs["lib/legacy.cjs"]["format"], "cjs");
    assert_eq!(inputs["main.mjs"]["format"], "esm");
    let kinds: Vec<(&str, &str)> = inputs["main.mjs"]["imports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("node:fs", "import-statement"),
            ("lib/math.mjs", "import-statement"),
            ("lib/legacy.cjs", "import-statement"),
            ("lib/late.mjs", "dynamic-import"),
        ]
    );
    assert_eq!(
        inputs["lib/legacy.cjs"]["imports"][0],
        serde_json::json!({"path": "lib/data.json", "kind": "require-call", "original": "./data.json"})
    );

    let output = &meta["outputs"]["dist/app.mjs"];
    let bytes = fs::metadata(dir.join("dist/app.mjs")).unwrap().len();
    assert_eq!(output["bytes"].as_u64(), Some(bytes));
    assert_eq!(output["entryPoint"], "main.mjs");
    assert_eq!(output["exports"], serde_json::json!(["answer", "legacy"]));
    assert_eq!(
        output["imports"],
        serde_json::json!([{"path": "node:fs", "kind": "import-statement", "external": true}])
    );
    let in_output: u64 = output["inputs"]
        .as_object()
        .unwrap()
        .values()
        .map(|i| i["bytesInOutput"].as_u64().unwrap())
        .sum();
    assert!(
        in_output > 0 && in_output <= bytes,
        "{in_output} of {bytes}"
    );
    assert_eq!(node(dir, "dist/app.mjs"), node(dir, "main.mjs"));
}

#[test]
fn banner_and_footer_frame_the_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    for format in ["esm", "cjs", "iife"] {
        let outfile = format!(
            "out-{format}.{}",
            if format == "esm" { "mjs" } else { "cjs" }
        );
        let out = weft(
            dir,
            &[
                "bundle",
                "main.mjs",
                "-o",
                &outfile,
                "--format",
                format,
                "--platform",
                "node",
                "--banner",
                "/* banner */",
                "--footer",
                "// footer",
            ],
        );
        if format != "esm" {
            // import() of an ES module from a CommonJS bundle: fine in Node.
            assert!(out.status.success(), "{format}: {out:?}");
        }
        let text = fs::read_to_string(dir.join(&outfile)).unwrap();
        assert!(text.starts_with("/* banner */\n"), "{format}: {text}");
        assert!(text.ends_with("\n// footer\n"), "{format}: {text}");
        assert_eq!(node(dir, &outfile), node(dir, "main.mjs"), "{format}");
    }
}

#[test]
fn a_failed_build_writes_no_metafile() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "main.mjs", "import './missing.mjs';\n");
    let out = weft(
        dir,
        &[
            "bundle",
            "main.mjs",
            "-o",
            "out.mjs",
            "--metafile",
            "meta.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("main.mjs:1:8"));
    assert!(!dir.join("meta.json").exists() && !dir.join("out.mjs").exists());
}
