//! Bad input: every failing build exits 1, prints each diagnostic with its
//! `file:line:col` location, and writes nothing — no new output file, no
//! leftover temporary file, and an existing output file is left as it was.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use support::{weft, write_file as write};

const PRE_EXISTING: &str = "PRE-EXISTING";

/// Every file and folder under `dir`, as paths relative to it.
fn listing(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.insert(path.strip_prefix(root).unwrap().to_path_buf());
            if path.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn describe(out: &Output) -> String {
    format!(
        "exit status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `weft <args>` in `dir`, expecting it to fail with exit code 1 and to
/// leave the folder exactly as it was. Returns stderr.
fn run_failing(dir: &Path, args: &[&str]) -> String {
    let before = listing(dir);
    let out = weft(dir, args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit code 1\n{}",
        describe(&out)
    );
    let after = listing(dir);
    assert_eq!(
        before,
        after,
        "a failing build must not create or remove files\n{}",
        describe(&out)
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.contains("error: "),
        "stderr has no `error: ` line\n{}",
        describe(&out)
    );
    stderr
}

/// Runs a failing build twice: first with no output file (which must not be
/// created), then with an output file holding `PRE-EXISTING` (which must be
/// left byte for byte). Both runs must print the same diagnostics, which are
/// handed to `check`.
fn assert_fails_cleanly(dir: &Path, args: &[&str], outfile: &str, check: impl Fn(&str)) {
    let out_path = dir.join(outfile);
    assert!(!out_path.exists(), "{outfile} exists before the first run");

    let stderr = run_failing(dir, args);
    assert!(
        !out_path.exists(),
        "{outfile} was created by a failing build\n{stderr}"
    );
    check(&stderr);

    fs::write(&out_path, PRE_EXISTING).unwrap();
    let stderr = run_failing(dir, args);
    assert_eq!(
        fs::read(&out_path).unwrap(),
        PRE_EXISTING.as_bytes(),
        "a failing build changed the existing {outfile}\n{stderr}"
    );
    check(&stderr);
}

/// The `-->` lines of a diagnostic output, trimmed.
fn location_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("-->"))
        .collect()
}

/// True when the `-->` line names `file` (given relative to the build's
/// folder, possibly shown with a `./` prefix) followed by `suffix`.
fn location_matches(line: &str, file: &str, suffix: &str) -> bool {
    let Some(rest) = line.strip_prefix("-->") else {
        return false;
    };
    let path = rest.trim();
    let Some(path) = path.strip_suffix(suffix) else {
        return false;
    };
    path == file || path == format!("./{file}")
}

/// Asserts that stderr has a `--> file:line:col` location.
fn assert_location(stderr: &str, file: &str, line: u32, col: u32) {
    let suffix = format!(":{line}:{col}");
    assert!(
        location_lines(stderr)
            .iter()
            .any(|l| location_matches(l, file, &suffix)),
        "expected a `--> {file}:{line}:{col}` location\n--- stderr ---\n{stderr}"
    );
}

/// Asserts that stderr has a `--> file:line:<any column>` location and
/// returns the column.
fn assert_location_line(stderr: &str, file: &str, line: u32) -> u32 {
    for l in location_lines(stderr) {
        let Some((head, col)) = l.rsplit_once(':') else {
            continue;
        };
        let Ok(col) = col.parse::<u32>() else {
            continue;
        };
        if location_matches(head, file, &format!(":{line}")) {
            assert!(col >= 1, "columns are 1-based: {l}");
            return col;
        }
    }
    panic!("expected a `--> {file}:{line}:<col>` location\n--- stderr ---\n{stderr}");
}

/// The diagnostic (from its `error:` line up to the next one) that contains
/// `needle`.
fn diagnostic_with<'a>(stderr: &'a str, needle: &str) -> &'a str {
    let starts: Vec<usize> = stderr
        .match_indices("error:")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || stderr.as_bytes()[i - 1] == b'\n')
        .collect();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(stderr.len());
        let diag = &stderr[start..end];
        if diag.contains(needle) {
            return diag;
        }
    }
    panic!("no diagnostic contains {needle:?}\n--- stderr ---\n{stderr}");
}

#[test]
fn missing_entry_point() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "main.js", "console.log('here');\n");

    assert_fails_cleanly(
        dir,
        &["bundle", "nope.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            assert!(
                stderr.contains("error: entry point not found: nope.js"),
                "{stderr}"
            );
        },
    );
}

#[test]
fn unresolved_import_points_at_the_specifier() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "b.js", "export const b = 2;\n");
    write(
        dir,
        "main.js",
        concat!(
            "import { b } from \"./b.js\";\n",
            "console.log(b);\n",
            "import { a } from \"./missing.js\";\n",
            "console.log(a);\n",
        ),
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "could not resolve \"./missing.js\"");
            assert!(diag.starts_with("error: could not resolve"), "{stderr}");
            // Column 19 is the opening quote of the specifier.
            assert_location(diag, "main.js", 3, 19);
            assert!(!stderr.contains("could not resolve \"./b.js\""), "{stderr}");
        },
    );
}

#[test]
fn every_unresolved_import_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.js",
        concat!(
            "import { a } from './lib/a.js';\n",
            "import { b } from './lib/b.js';\n",
            "import { c } from './lib/c.js';\n",
            "console.log(a, b, c);\n",
        ),
    );
    write(
        dir,
        "lib/a.js",
        concat!(
            "import { x } from './gone-a.js';\n",
            "export const a = x;\n",
        ),
    );
    write(
        dir,
        "lib/b.js",
        concat!(
            "// b depends on something that is not there\n",
            "export const b = 2;\n",
            "export { y } from \"../gone-b.js\";\n",
        ),
    );
    write(
        dir,
        "lib/c.js",
        concat!(
            "import { z } from './gone-c.js';\n",
            "import pad from 'weft-test-no-such-package';\n",
            "export const c = pad(z);\n",
        ),
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            let d = diagnostic_with(stderr, "could not resolve \"./gone-a.js\"");
            assert_location(d, "lib/a.js", 1, 19);
            let d = diagnostic_with(stderr, "could not resolve \"../gone-b.js\"");
            assert_location(d, "lib/b.js", 3, 19);
            let d = diagnostic_with(stderr, "could not resolve \"./gone-c.js\"");
            assert_location(d, "lib/c.js", 1, 19);
            let d = diagnostic_with(stderr, "could not resolve \"weft-test-no-such-package\"");
            assert_location(d, "lib/c.js", 2, 17);
            assert_eq!(
                stderr.matches("error: could not resolve").count(),
                4,
                "each unresolved import is reported once\n{stderr}"
            );
        },
    );
}

#[test]
fn syntax_error_location() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.js",
        "const ok = 1;\nconst = 1;\nconsole.log(ok);\n",
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            // The first token that cannot continue the declaration is `=`.
            assert_location(stderr, "main.js", 2, 7);
        },
    );
}

#[test]
fn syntax_error_points_at_the_bad_token() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.js",
        "// one\n// two\nlet x = ;\nconsole.log(x);\n",
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "main.js:3:");
            assert!(diag.starts_with("error: "), "{stderr}");
            assert!(diag.contains("Expression expected"), "{stderr}");
            assert_location(diag, "main.js", 3, 9);
        },
    );
}

#[test]
fn syntax_errors_in_several_files_are_all_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.js",
        concat!(
            "import { a } from './a.js';\n",
            "import { b } from './src/b.js';\n",
            "console.log(a, b);\n",
        ),
    );
    write(dir, "a.js", "export const a = 1;\nlet x = ;\n");
    write(dir, "src/b.js", "export function b() {\n  return 1 +;\n}\n");

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            assert_location(stderr, "a.js", 2, 9);
            assert_location(stderr, "src/b.js", 2, 13);
        },
    );
}

#[test]
fn syntax_and_resolve_errors_are_reported_together() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.js",
        concat!(
            "import { a } from './a.js';\n",
            "import { b } from './b.js';\n",
            "console.log(a, b);\n",
        ),
    );
    write(dir, "a.js", "export const a = {;\n");
    write(dir, "b.js", "export { b } from './nowhere.js';\n");

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            assert_location_line(stderr, "a.js", 1);
            let d = diagnostic_with(stderr, "could not resolve \"./nowhere.js\"");
            assert_location(d, "b.js", 1, 19);
        },
    );
}

#[test]
fn missing_export_names_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "lib.js", "export const a = 1;\nexport default 2;\n");
    write(
        dir,
        "main.js",
        concat!(
            "import { a } from './lib.js';\n",
            "import { nope } from './lib.js';\n",
            "console.log(a, nope);\n",
        ),
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "no export named \"nope\"");
            assert!(
                diag.starts_with("error: no export named \"nope\" in \""),
                "{stderr}"
            );
            assert!(diag.contains("lib.js"), "exporter not named\n{stderr}");
            assert_location_line(diag, "main.js", 2);
            assert!(!stderr.contains("no export named \"a\""), "{stderr}");
        },
    );
}

#[test]
fn missing_export_through_export_star() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "parts/one.js", "export const one = 1;\n");
    write(dir, "parts/two.js", "export const two = 2;\n");
    write(
        dir,
        "parts/index.js",
        "export * from './one.js';\nexport * from './two.js';\n",
    );
    write(
        dir,
        "main.js",
        concat!(
            "import { one, two } from './parts/index.js';\n",
            "// `three` is exported by nothing the barrel re-exports\n",
            "import { three } from './parts/index.js';\n",
            "console.log(one, two, three);\n",
        ),
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "no export named \"three\"");
            assert!(diag.contains("index.js"), "exporter not named\n{stderr}");
            assert_location_line(diag, "main.js", 3);
            assert_eq!(
                stderr.matches("error: no export named").count(),
                1,
                "{stderr}"
            );
        },
    );
}

#[test]
fn outfile_with_several_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "a.js", "console.log('a');\n");
    write(dir, "b.js", "console.log('b');\n");

    assert_fails_cleanly(
        dir,
        &["bundle", "a.js", "b.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            assert!(
                stderr.contains("error: --outfile takes a single entry point"),
                "{stderr}"
            );
        },
    );
}

#[test]
fn define_value_that_is_neither_json_nor_an_identifier() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "main.js", "console.log(MODE);\n");

    assert_fails_cleanly(
        dir,
        &[
            "bundle",
            "main.js",
            "--define",
            "MODE=not json",
            "-o",
            "out.js",
        ],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "--define");
            assert!(
                diag.starts_with(
                    "error: --define MODE: the value \"not json\" is neither JSON nor an identifier"
                ),
                "{stderr}"
            );
        },
    );
}

#[test]
fn require_of_a_module_with_top_level_await() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "main.cjs", "const value = require('./slow.mjs');\n");
    write(
        dir,
        "slow.mjs",
        "export const value = await Promise.resolve(1);\n",
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.cjs", "-o", "out.mjs"],
        "out.mjs",
        |stderr| {
            let diag = diagnostic_with(stderr, "require()");
            assert!(
                diag.starts_with(
                    "error: a module that uses top-level await cannot be loaded with require()"
                ),
                "{stderr}"
            );
            assert_location(diag, "slow.mjs", 1, 22);
        },
    );
}

#[test]
fn output_path_is_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "main.js", "console.log('main');\n");
    fs::create_dir(dir.join("out")).unwrap();

    let stderr = run_failing(dir, &["bundle", "main.js", "-o", "out"]);
    assert!(
        stderr.contains("error: output path is a directory: out"),
        "{stderr}"
    );
    assert!(dir.join("out").is_dir());
    assert_eq!(fs::read_dir(dir.join("out")).unwrap().count(), 0);
}

#[test]
fn top_level_await_in_cjs_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.js",
        concat!(
            "const x = 1;\n",
            "const y = await Promise.resolve(2);\n",
            "console.log(x + y);\n",
        ),
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "--format", "cjs", "-o", "out.js"],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "top-level await");
            assert!(
                diag.starts_with(
                    "error: top-level await is not available in the \"cjs\" output format"
                ),
                "{stderr}"
            );
            assert_location(diag, "main.js", 2, 11);
        },
    );
}

#[test]
fn top_level_await_in_a_dependency_with_iife_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.js",
        "import { config } from './lib/config.js';\nconsole.log(config);\n",
    );
    write(
        dir,
        "lib/config.js",
        concat!(
            "async function load() {\n",
            "  return { ok: await Promise.resolve(true) };\n",
            "}\n",
            "export const config = await load();\n",
        ),
    );

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "--format", "iife", "-o", "out.js"],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "top-level await");
            assert!(
                diag.starts_with(
                    "error: top-level await is not available in the \"iife\" output format"
                ),
                "{stderr}"
            );
            // The `await` inside `load` is not top-level; the one on line 4 is.
            assert_location(diag, "lib/config.js", 4, 23);
            assert_eq!(
                stderr.matches("error: top-level await").count(),
                1,
                "{stderr}"
            );
        },
    );
}

/// Import-like text in comments, strings and templates, and type-only
/// imports in TypeScript, are not imports: a build that contains them and
/// nothing else wrong succeeds.
#[test]
fn import_look_alikes_are_not_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.ts",
        concat!(
            "import type { Shape } from './types-only-not-here';\n",
            "// import { a } from './commented-out.js';\n",
            "/* export * from './also-commented.js'; */\n",
            "const s = \"import x from './in-a-string.js'\";\n",
            "const t = `require('./in-a-template.js') ${s.length}`;\n",
            "const shape: Shape | undefined = undefined;\n",
            "console.log(s.length, t.length, shape);\n",
        ),
    );

    let out = weft(dir, &["bundle", "main.ts", "-o", "out.js"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(dir.join("out.js").is_file());
}

#[test]
fn a_source_that_is_not_utf8_points_at_the_first_bad_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "main.js", "import \"./b.js\";\n");
    fs::write(dir.join("b.js"), b"// ok\nconsole.log(\"\xff\");\n").unwrap();

    assert_fails_cleanly(
        dir,
        &["bundle", "main.js", "-o", "out.js"],
        "out.js",
        |stderr| {
            let diag = diagnostic_with(stderr, "not valid UTF-8");
            assert!(diag.starts_with("error: "), "{stderr}");
            // Column 14 is the byte 0xff, inside the string.
            assert_location(diag, "b.js", 2, 14);
        },
    );
}

#[test]
fn an_entry_that_is_not_a_file_says_what_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join("src")).unwrap();
    let stderr = run_failing(dir, &["bundle", "src", "-o", "out.js"]);
    assert!(
        stderr.contains("error: entry point is a directory, not a file: src"),
        "{stderr}"
    );
    #[cfg(unix)]
    {
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.js"))
            .status()
            .unwrap();
        assert!(made.success());
        let stderr = run_failing(dir, &["bundle", "pipe.js", "-o", "out.js"]);
        assert!(
            stderr.contains("error: entry point is not a regular file but a FIFO"),
            "{stderr}"
        );
    }
}

/// A broken `package.json` or `tsconfig.json` is reported in that file,
/// at its own line and column, with what is wrong in words.
#[test]
fn a_broken_package_json_or_tsconfig_is_reported_where_it_is_broken() {
    let cases: &[(&str, &str, &str, u32, u32)] = &[
        (
            "package.json",
            "{\n  \"type\": \"module\",\n}\n",
            "package.json is not valid JSON: trailing comma",
            3,
            1,
        ),
        (
            "tsconfig.json",
            "{\n  \"compilerOptions\": {\"jsx\": \"react\"\n",
            "tsconfig.json is not valid JSON: EOF while parsing an object",
            3,
            1,
        ),
        (
            "tsconfig.json",
            "{\n  \"extends\": \"./base.json\"\n}\n",
            "tsconfig.json extends",
            2,
            14,
        ),
        (
            "tsconfig.json",
            "{\n  \"extends\": \"./tsconfig.json\"\n}\n",
            "tsconfig.json extends itself",
            2,
            14,
        ),
    ];
    for &(file, text, message, line, col) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(
            dir,
            "main.ts",
            "import { a } from './a';\nconsole.log(a);\n",
        );
        write(dir, "a.ts", "export const a = 1;\n");
        write(dir, file, text);
        assert_fails_cleanly(
            dir,
            &["bundle", "main.ts", "-o", "out.js"],
            "out.js",
            |stderr| {
                let diag = diagnostic_with(stderr, message);
                assert!(!diag.contains("JSONError"), "{stderr}");
                assert_location(diag, file, line, col);
            },
        );
    }
}

/// ECMAScript's early errors that need scopes or a second look at a
/// literal: Node refuses to load such a program, so weft refuses to bundle
/// it, at the place, even where tree shaking would drop the code.
#[test]
fn early_errors_the_parser_lets_through_are_refused() {
    let cases: &[(&str, &str, &str, u32, u32)] = &[
        (
            "main.js",
            "let x = 1;\nlet x = 2;\n",
            "Identifier 'x' has already been declared",
            2,
            5,
        ),
        (
            "main.js",
            "var y;\nconst y = 1;\n",
            "Identifier 'y' has already been declared",
            2,
            7,
        ),
        // In an ES module's top level, a function is lexical.
        (
            "main.js",
            "export {};\nfunction f() {}\nfunction f() {}\n",
            "Identifier 'f' has already been declared",
            3,
            10,
        ),
        (
            "main.js",
            "import { a } from './a.js';\nvar a = 2;\n",
            "Identifier 'a' has already been declared",
            2,
            5,
        ),
        (
            "main.js",
            "try {} catch (e) { let e; }\n",
            "Identifier 'e' has already been declared",
            1,
            24,
        ),
        (
            "main.js",
            "for (let i = 0; ; ) { var i; }\n",
            "Identifier 'i' has already been declared",
            1,
            27,
        ),
        (
            "main.js",
            "function g(p) { let p; }\n",
            "Identifier 'p' has already been declared",
            1,
            21,
        ),
        (
            "main.js",
            "const h = (a, a) => a;\n",
            "Duplicate parameter name",
            1,
            15,
        ),
        (
            "main.mjs",
            "function k(a, a) {}\n",
            "Duplicate parameter name",
            1,
            15,
        ),
        (
            "main.js",
            "export const a = 1;\nexport { a };\n",
            "Duplicate export of 'a'",
            2,
            10,
        ),
        (
            "main.js",
            "export default 1;\nexport default 2;\n",
            "Duplicate export of 'default'",
            2,
            1,
        ),
        (
            "main.ts",
            "const pair = 1;\nconst pair = 2;\n",
            "Identifier 'pair' has already been declared",
            2,
            7,
        ),
        (
            "main.ts",
            "class P { m() { return this.#missing; } }\n",
            "Private field '#missing' must be declared",
            1,
            29,
        ),
        (
            "main.tsx",
            "export { nope as default };\n",
            "Export 'nope' is not defined in module",
            1,
            10,
        ),
        (
            "main.ts",
            "function f() {\n  return super.x;\n}\n",
            "'super' keyword unexpected here",
            2,
            10,
        ),
        (
            "main.cjs",
            "let module = {};\n",
            "Identifier 'module' has already been declared",
            1,
            5,
        ),
        (
            "main.mjs",
            "class A {}\nsuper('a');\n",
            "'super' keyword unexpected here",
            2,
            1,
        ),
        (
            "main.ts",
            "export namespace N {\n  await import('./a.js');\n}\n",
            "await is only valid in async functions",
            2,
            3,
        ),
        (
            "main.js",
            "const here = 1;\nexport { here, nope };\n",
            "Export 'nope' is not defined in module",
            2,
            16,
        ),
        (
            "main.js",
            "class A {}\nconsole.log(#p in A);\n",
            "Private field '#p' must be declared",
            2,
            13,
        ),
        (
            "main.js",
            "class B { m() { return this.#q; } }\n",
            "Private field '#q' must be declared",
            1,
            29,
        ),
        (
            "main.js",
            "class C { #r; #r; }\n",
            "Identifier '#r' has already been declared",
            1,
            15,
        ),
        (
            "main.js",
            "const o = { __proto__: null, '__proto__': null };\n",
            "Duplicate __proto__",
            1,
            30,
        ),
        (
            "main.js",
            "console.log(/(/.test('('));\n",
            "Invalid regular expression: /(/",
            1,
            13,
        ),
        (
            "main.js",
            "const r = /[\\p{undefined}--[a-z]]/v;\n",
            "Invalid regular expression",
            1,
            11,
        ),
        (
            "main.mjs",
            "console.log('\\8');\n",
            "octal escape sequence is not allowed in strict mode",
            1,
            13,
        ),
        (
            "main.js",
            "@dec class D {}\nfunction dec() {}\n",
            "decorators are not supported yet",
            1,
            1,
        ),
        (
            "main.ts",
            "function dec(c: unknown) {}\n@dec class E {}\n",
            "decorators are not supported yet",
            2,
            1,
        ),
    ];
    for &(file, text, message, line, col) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(dir, "a.js", "export const a = 1;\n");
        write(dir, file, text);
        assert_fails_cleanly(dir, &["bundle", file, "-o", "out.js"], "out.js", |stderr| {
            let diag = diagnostic_with(stderr, message);
            assert_location(diag, file, line, col);
        });
    }
}

/// What valid code may do that looks like an early error.
#[test]
fn look_alikes_of_early_errors_build() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "package.json", "{\"type\": \"module\"}\n");
    write(
        dir,
        "main.js",
        concat!(
            "import { sloppy } from './sloppy.cjs';\n",
            "try { throw 1; } catch (e) { var e = 2; }\n",
            "{ let shadow = 1; } let shadow = 2;\n",
            "function outer(a) { var a; { let a = 3; } return a; }\n",
            "class P { #x = 1; get #y() { return 1; } set #y(v) {} has(o) { return #x in o; } }\n",
            "let [first, first2] = [1, 2];\n",
            "const o = { __proto__: null, ['__proto__']: 1, __proto__() {} };\n",
            "({ __proto__: first, __proto__: first2 } = {});\n",
            "console.log(sloppy, outer(1), new P().has(new P()), /{]/.test('{]'), /\\p{L}/u.test('a'));\n",
        ),
    );
    write(
        dir,
        "sloppy.cjs",
        "function f(a, a) { return a; }\n{ function g() {} function g() {} }\nexports.sloppy = f(1, 2);\n",
    );
    let out = weft(
        dir,
        &["bundle", "main.js", "-o", "out.cjs", "--format", "cjs"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let node = std::process::Command::new("node")
        .arg("out.cjs")
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&node.stdout),
        "2 1 true true true\n",
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
}

/// A sloppy-mode CommonJS module printed into an ES module's strict code
/// would not parse: weft says where, and which formats keep it sloppy.
#[test]
fn sloppy_only_commonjs_is_refused_in_esm_output() {
    let cases: &[(&str, &str, u32, u32)] = &[
        (
            "var o = { a: 1 };\nwith (o) { exports.r = a; }\n",
            "a with statement",
            2,
            1,
        ),
        ("exports.r = 010;\n", "a legacy octal literal", 1, 13),
        ("exports.r = '\\101';\n", "an octal escape sequence", 1, 13),
        (
            "x = 1;\nexports.r = delete x;\n",
            "deleting a plain name",
            2,
            20,
        ),
        (
            "var static = 1;\nexports.r = static;\n",
            "'static' as a name",
            1,
            5,
        ),
        (
            "var await = 1;\nexports.r = await;\n",
            "'await' as a name",
            1,
            5,
        ),
        ("eval = 1;\n", "assigning to 'eval'", 1, 1),
        ("function f(a, a) {}\n", "a repeated parameter name", 1, 15),
        (
            "exports.r = 1; <!-- the rest of the line\n",
            "an HTML-like comment",
            1,
            17,
        ),
    ];
    for &(text, what, line, col) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(
            dir,
            "main.mjs",
            "import dep from './dep.cjs';\nconsole.log(dep.r);\n",
        );
        write(dir, "dep.cjs", text);
        assert_fails_cleanly(
            dir,
            &["bundle", "main.mjs", "-o", "out.js"],
            "out.js",
            |stderr| {
                let diag = diagnostic_with(stderr, what);
                assert!(diag.contains("--format cjs"), "{stderr}");
                assert_location(diag, "dep.cjs", line, col);
            },
        );
        let out = weft(
            dir,
            &["bundle", "main.mjs", "-o", "out.cjs", "--format", "cjs"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    }
}
