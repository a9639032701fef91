//! Resolution by platform and the flags that steer it: package.json
//! `exports` conditions (`--conditions`), the `browser` field's remapping
//! and `false` entries, `--external` for paths, `--define`, and symlinked
//! packages (pnpm layouts) bundled once by real path. Each case is a small
//! project written to a temporary folder, bundled, and run under Node.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;

use support::write_file as write;

/// Bundles `main.mjs` in `dir` with `args` into `out.mjs` and runs it;
/// returns its stdout, or panics with weft's or node's stderr.
fn bundle_and_run(dir: &Path, args: &[&str]) -> String {
    let out = dir.join("out.mjs");
    let weft = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["bundle", "main.mjs", "-o"])
        .arg(&out)
        .args(args)
        .args(["--log-level", "error"])
        .current_dir(dir)
        .output()
        .expect("weft runs");
    assert!(
        weft.status.success(),
        "weft failed:\n{}",
        String::from_utf8_lossy(&weft.stderr)
    );
    let node = Command::new("node")
        .arg(&out)
        .current_dir(dir)
        .output()
        .expect("node runs");
    assert!(
        node.status.success(),
        "the bundle failed under node:\n{}",
        String::from_utf8_lossy(&node.stderr)
    );
    String::from_utf8(node.stdout).unwrap()
}

fn bundle_text(dir: &Path) -> String {
    fs::read_to_string(dir.join("out.mjs")).unwrap()
}

/// A package whose `exports` has one file per condition.
fn conditional_package(dir: &Path) {
    write(
        dir,
        "node_modules/pick/package.json",
        r#"{
  "name": "pick",
  "exports": {
    ".": {
      "custom": "./custom.cjs",
      "node": { "import": "./node-import.mjs", "require": "./node-require.cjs" },
      "browser": "./browser.cjs",
      "import": "./import.mjs",
      "require": "./require.cjs",
      "default": "./default.mjs"
    }
  }
}"#,
    );
    for (file, text) in [
        ("custom.cjs", "module.exports = 'custom';"),
        ("node-import.mjs", "export default 'node import';"),
        ("node-require.cjs", "module.exports = 'node require';"),
        ("browser.cjs", "module.exports = 'browser';"),
        ("import.mjs", "export default 'import';"),
        ("require.cjs", "module.exports = 'require';"),
        ("default.mjs", "export default 'default';"),
    ] {
        write(dir, &format!("node_modules/pick/{file}"), text);
    }
    write(dir, "package.json", r#"{ "type": "module" }"#);
    write(
        dir,
        "main.mjs",
        "import './req.cjs';\nimport picked from 'pick';\nconsole.log(picked);\n",
    );
    write(dir, "req.cjs", "console.log(require('pick'));\n");
}

#[test]
fn platform_selects_export_conditions_for_import_and_require() {
    let tmp = tempfile::tempdir().unwrap();
    conditional_package(tmp.path());
    // As Node runs it unbundled.
    assert_eq!(
        bundle_and_run(tmp.path(), &["--platform", "node"]),
        "node require\nnode import\n"
    );
    assert_eq!(bundle_and_run(tmp.path(), &[]), "browser\nbrowser\n");
    assert_eq!(
        bundle_and_run(tmp.path(), &["--platform", "neutral"]),
        "require\nimport\n"
    );
    // An extra condition takes part; the package's key order decides.
    assert_eq!(
        bundle_and_run(
            tmp.path(),
            &["--platform", "node", "--conditions", "custom"]
        ),
        "custom\ncustom\n"
    );
}

#[test]
fn browser_field_remaps_files_and_false_makes_an_empty_module() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "node_modules/lib/package.json",
        r#"{
  "name": "lib",
  "main": "./index.js",
  "browser": { "./server.js": "./client.js", "fs": false }
}"#,
    );
    write(
        dir,
        "node_modules/lib/index.js",
        "const fs = require('fs');\nmodule.exports = require('./server.js') + ' with fs as ' + JSON.stringify(fs);\n",
    );
    write(
        dir,
        "node_modules/lib/server.js",
        "module.exports = 'server';",
    );
    write(
        dir,
        "node_modules/lib/client.js",
        "module.exports = 'client';",
    );
    write(dir, "package.json", r#"{ "type": "module" }"#);
    write(
        dir,
        "main.mjs",
        "import lib from 'lib';\nconsole.log(lib);\n",
    );
    assert_eq!(bundle_and_run(dir, &[]), "client with fs as {}\n");
}

#[test]
fn external_relative_paths_stay_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "package.json", r#"{ "type": "module" }"#);
    write(
        dir,
        "config.mjs",
        "export const name = 'from disk at run time';",
    );
    write(
        dir,
        "main.mjs",
        "import { name } from './config.mjs';\nconsole.log(name);\n",
    );
    assert_eq!(
        bundle_and_run(dir, &["--external", "./config.mjs"]),
        "from disk at run time\n"
    );
    let text = bundle_text(dir);
    assert!(text.contains("from \"./config.mjs\""), "{text}");
    assert!(!text.contains("from disk at run time"), "{text}");
}

#[test]
fn define_replaces_globals_and_drops_dead_branches() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "package.json", r#"{ "type": "module" }"#);
    write(dir, "prod.cjs", "module.exports = 'production build';");
    write(dir, "dev.cjs", "module.exports = 'development build';");
    write(
        dir,
        "main.mjs",
        "import './pick.cjs';\nconsole.log(DEBUG, BUILD.id, typeof process.env.NODE_ENV);\n",
    );
    write(
        dir,
        "pick.cjs",
        "if (process.env.NODE_ENV === 'production') console.log(require('./prod.cjs'));\n\
         else console.log(require('./dev.cjs'));\n",
    );
    let out = bundle_and_run(
        dir,
        &[
            "--define",
            "process.env.NODE_ENV=\"production\"",
            "--define",
            "DEBUG=false",
            "--define",
            "BUILD.id=42",
        ],
    );
    assert_eq!(out, "production build\nfalse 42 string\n");
    let text = bundle_text(dir);
    assert!(!text.contains("development build"), "{text}");

    // A global spelled with a `\u` escape is the same name.
    write(dir, "main.mjs", "console.log(\\u0044EBUG);\n");
    assert_eq!(bundle_and_run(dir, &["--define", "DEBUG=false"]), "false\n");

    // Browser builds default NODE_ENV to "development", as esbuild does.
    write(dir, "main.mjs", "import './pick.cjs';\n");
    assert_eq!(bundle_and_run(dir, &[]), "development build\n");
}

#[cfg(unix)]
#[test]
fn symlinked_packages_are_bundled_once_by_real_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A pnpm layout: the package lives in the store, and both `counter`
    // and `alias` link to it.
    let store = "node_modules/.pnpm/counter@1.0.0/node_modules/counter";
    write(
        dir,
        &format!("{store}/package.json"),
        r#"{ "name": "counter", "main": "index.js" }"#,
    );
    write(
        dir,
        &format!("{store}/index.js"),
        "console.log('counter evaluated');\nlet n = 0;\nexports.next = () => ++n;\n",
    );
    std::os::unix::fs::symlink(dir.join(store), dir.join("node_modules/counter")).unwrap();
    std::os::unix::fs::symlink(dir.join(store), dir.join("node_modules/alias")).unwrap();
    write(dir, "package.json", r#"{ "type": "module" }"#);
    write(
        dir,
        "main.mjs",
        "import { next } from 'counter';\nimport { next as again } from 'alias';\n\
         next();\nconsole.log(again(), next === again);\n",
    );
    assert_eq!(bundle_and_run(dir, &[]), "counter evaluated\n2 true\n");
    let text = bundle_text(dir);
    assert_eq!(text.matches("counter evaluated").count(), 1, "{text}");
}
