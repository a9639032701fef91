//! Node built-ins stay external with `--platform node`, and importing them
//! behaves as under Node in every output format: the default import is
//! `module.exports`, named and namespace imports read its properties. A
//! CommonJS module's `require` of a built-in works in every format too, ES
//! module output included (through `createRequire`).

mod support;

use std::process::Command;

use support::node_stdout as run_node;

const PROGRAM: &str = r#"import fs, { existsSync } from 'node:fs';
import * as path from 'path';
import { EventEmitter } from 'events';
const emitter = new EventEmitter();
emitter.on('ping', (n) => console.log('ping', n));
emitter.emit('ping', 1);
console.log(typeof fs.readFileSync, existsSync('/'), path.basename('/x/y.txt'), typeof path.default.join);
import { joined, sameFs, where } from './uses-require.cjs';
console.log(joined, sameFs === fs, where, typeof __dirname);
"#;

const COMMONJS: &str = r#"const path = require('node:path');
exports.joined = path.join('a', 'b');
exports.sameFs = require('fs');
// The bundle's own file once bundled, in every format.
exports.where = typeof __filename + ' ' + require('path').isAbsolute(__dirname);
"#;

#[test]
fn node_builtins_are_external_and_imported_as_node_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.mjs"), PROGRAM).expect("write program");
    std::fs::write(dir.path().join("uses-require.cjs"), COMMONJS).expect("write module");
    let expected = run_node(dir.path(), "main.mjs");
    assert_eq!(
        expected,
        "ping 1\nfunction true y.txt function\na/b true string true undefined\n"
    );
    for (format, file) in [("esm", "out.mjs"), ("cjs", "out.cjs"), ("iife", "out.js")] {
        let status = Command::new(env!("CARGO_BIN_EXE_weft"))
            .args([
                "bundle",
                "main.mjs",
                "-o",
                file,
                "--format",
                format,
                "--platform",
                "node",
                "--log-level",
                "error",
            ])
            .current_dir(dir.path())
            .status()
            .expect("weft runs");
        assert!(status.success(), "weft failed for {format}");
        assert_eq!(run_node(dir.path(), file), expected, "format {format}");
    }
}

#[test]
fn node_builtins_are_an_error_for_the_browser() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.mjs"), PROGRAM).expect("write program");
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["bundle", "main.mjs", "-o", "out.js"])
        .current_dir(dir.path())
        .output()
        .expect("weft runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not resolve \"node:fs\""), "{stderr}");
    assert!(stderr.contains("main.mjs:1:32"), "{stderr}");
    assert!(stderr.contains("--platform node"), "{stderr}");
    assert!(!dir.path().join("out.js").exists());
}

/// `--external pkg` keeps `pkg` and its subpaths as imports, as esbuild
/// does, and not another package whose name starts the same; `pkg/*` keeps
/// the subpaths alone.
#[test]
fn an_external_package_name_covers_its_subpaths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| support::write_file(dir.path(), rel, text);
    write(
        "main.mjs",
        "import a from 'pkg';\nimport b from 'pkg/sub.js';\nimport c from 'pkgextra';\nconsole.log(a, b, c);\n",
    );
    for (name, file, text) in [
        ("pkg", "index.js", "module.exports = 'pkg';"),
        ("pkg", "sub.js", "module.exports = 'pkg/sub';"),
        (
            "pkgextra",
            "index.js",
            "module.exports = 'BUNDLED-pkgextra';",
        ),
    ] {
        write(
            &format!("node_modules/{name}/package.json"),
            &format!("{{\"name\": \"{name}\", \"main\": \"index.js\"}}"),
        );
        write(&format!("node_modules/{name}/{file}"), text);
    }
    let expected = run_node(dir.path(), "main.mjs");
    assert_eq!(expected, "pkg pkg/sub BUNDLED-pkgextra\n");

    for (pattern, kept, bundled) in [
        (
            "pkg",
            &["\"pkg\"", "\"pkg/sub.js\""][..],
            &["BUNDLED-pkgextra"][..],
        ),
        (
            "pkg/*",
            &["\"pkg/sub.js\""][..],
            &["module.exports = 'pkg';", "BUNDLED-pkgextra"][..],
        ),
    ] {
        support::weft_ok(
            dir.path(),
            &[
                "bundle",
                "main.mjs",
                "-o",
                "out.mjs",
                "--platform",
                "node",
                "--external",
                pattern,
            ],
        );
        let bundle = std::fs::read_to_string(dir.path().join("out.mjs")).expect("bundle");
        for text in kept {
            assert!(
                bundle.contains(&format!("from {text}")),
                "--external {pattern}: {text} kept\n{bundle}"
            );
        }
        for text in bundled {
            assert!(
                bundle.contains(text),
                "--external {pattern}: {text} bundled\n{bundle}"
            );
        }
        assert_eq!(
            run_node(dir.path(), "out.mjs"),
            expected,
            "--external {pattern}"
        );
    }
}
