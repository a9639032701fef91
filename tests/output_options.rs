//! Options that shape the output file around the code: legal comments,
//! the entry's hashbang, and `--target` for what weft itself writes; and
//! how a build puts its files in the place of the last build's.

mod support;

use std::fs;
use std::path::Path;

use support::{node_stdout as node, weft_ok, write_file as write};

fn legal_project(dir: &Path) {
    write(dir, "package.json", "{\"type\":\"module\"}\n");
    write(
        dir,
        "main.js",
        "/* an ordinary comment */\nimport { lib } from './lib.js';\nconsole.log(lib);\n",
    );
    write(
        dir,
        "lib.js",
        "/*! lib.js (c) Example Authors */\n/**\n * @license MIT\n */\n//! a legal line comment\nexport const lib = 'lib';\n/*! lib.js (c) Example Authors */\n",
    );
}

const LEGAL: [&str; 3] = [
    "/*! lib.js (c) Example Authors */",
    "@license MIT",
    "//! a legal line comment",
];

/// Bundles `main.js` into `out.mjs` with `args`: the bundle's text.
fn bundle(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["bundle", "main.js", "-o", "out.mjs"];
    all.extend(args);
    weft_ok(dir, &all);
    fs::read_to_string(dir.join("out.mjs")).unwrap()
}

/// [`bundle`], and the bundle prints what `lib.js` gives.
fn bundle_lib(dir: &Path, args: &[&str]) -> String {
    let out = bundle(dir, args);
    assert_eq!(node(dir, "out.mjs"), "lib\n", "{args:?}");
    out
}

#[test]
fn legal_comments_go_where_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    legal_project(dir);

    // eof, the default, also when minified: at the end, each once.
    for args in [&[][..], &["--minify"][..], &["--legal-comments", "eof"][..]] {
        let out = bundle_lib(dir, args);
        for text in LEGAL {
            assert_eq!(out.matches(text).count(), 1, "{args:?}: {text} in\n{out}");
            let code = out.find("console.log").unwrap();
            assert!(
                out.find(text).unwrap() > code,
                "{args:?}: {text} at the end in\n{out}"
            );
        }
        assert!(!out.contains("an ordinary comment"), "{out}");
    }

    let out = bundle_lib(dir, &["--legal-comments", "none"]);
    assert!(LEGAL.iter().all(|text| !out.contains(text)), "{out}");

    let out = bundle_lib(dir, &["--legal-comments", "inline"]);
    for text in LEGAL {
        assert!(
            out.find(text).unwrap() < out.find("'lib'").unwrap(),
            "{text} in\n{out}"
        );
    }

    let out = bundle_lib(dir, &["--legal-comments", "external"]);
    assert!(LEGAL.iter().all(|text| !out.contains(text)), "{out}");
    let legal = fs::read_to_string(dir.join("out.mjs.LEGAL.txt")).unwrap();
    for text in LEGAL {
        assert_eq!(legal.matches(text).count(), 1, "{text} in\n{legal}");
    }
}

#[test]
fn the_entry_hashbang_stays_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "package.json", "{\"type\":\"module\"}\n");
    write(
        dir,
        "main.js",
        "#!/usr/bin/env node\nimport { x } from './x.js';\nconsole.log(x);\n",
    );
    write(dir, "x.js", "export const x = 'x';\n");
    for args in [&[][..], &["--minify", "--banner", "/* banner */"][..]] {
        let out = bundle(dir, args);
        assert!(out.starts_with("#!/usr/bin/env node\n"), "{args:?}:\n{out}");
        assert_eq!(out.matches("#!").count(), 1, "{out}");
        assert_eq!(node(dir, "out.mjs"), "x\n");
    }
}

/// A dotted global name is created part by part; with `--target es2020`
/// that takes no `||=` (ES2021).
#[test]
fn target_es2020_output_has_no_logical_assignment() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "package.json", "{\"type\":\"commonjs\"}\n");
    write(dir, "main.mjs", "export const answer = 42;\n");
    weft_ok(
        dir,
        &[
            "bundle",
            "main.mjs",
            "-o",
            "out.js",
            "--format",
            "iife",
            "--global-name",
            "app.lib.main",
            "--target",
            "es2020",
        ],
    );
    let code = fs::read_to_string(dir.join("out.js")).unwrap();
    assert!(!code.contains("||="), "{code}");
    write(
        dir,
        "run.js",
        "globalThis.app = { kept: true };\nrequire('./out.js');\nconsole.log(app.kept, app.lib.main.answer);\n",
    );
    assert_eq!(node(dir, "run.js"), "true 42\n");
}

/// Outputs are replaced, not written over: a hard link to the last build's
/// chunk keeps the last build's code, the folder holds no temporary file,
/// and the new chunk and map are complete.
#[test]
fn outputs_are_replaced_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    legal_project(dir);
    write(dir, "out.mjs", "console.log('last build');\n");
    write(dir, "out.mjs.map", "{}");
    fs::hard_link(dir.join("out.mjs"), dir.join("kept.mjs")).unwrap();

    let out = bundle_lib(dir, &["--sourcemap"]);
    assert!(out.ends_with("//# sourceMappingURL=out.mjs.map\n"), "{out}");
    let map = fs::read_to_string(dir.join("out.mjs.map")).unwrap();
    assert!(map.contains("\"mappings\""), "{map}");
    assert_eq!(node(dir, "kept.mjs"), "last build\n");
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "kept.mjs",
            "lib.js",
            "main.js",
            "out.mjs",
            "out.mjs.map",
            "package.json"
        ]
    );
}
