//! Deep nesting: for each construct, a program nested as deep as Node runs
//! it bundles (plain, and with `--minify --sourcemap`) to a bundle that
//! prints what the unbundled program prints; one nested to weft's limit
//! bundles too (Node's own parser refuses it); and one past the limit is an
//! error at its place, with nothing written. No depth aborts the process.
//!
//! The limits are `src/load/nesting.rs`'s: 20,000 levels of nesting and
//! chains of 100,000 links.

mod support;

use std::fs;

use support::{node_stdout, require_node, weft, write_file};

const NESTING_LIMIT: usize = 20_000;
const CHAIN_LIMIT: usize = 100_000;

/// A program of `n` nested steps of one construct, and what it prints.
struct Construct {
    /// The entry's file name: its extension is its language.
    file: &'static str,
    program: fn(usize) -> String,
    /// What the program prints, for a language Node does not run; `None`:
    /// what Node prints running it.
    prints: Option<fn(usize) -> String>,
}

fn nest(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// A loop that unwraps a nested value and prints how deep it went.
const UNWRAP: &str = "let d = 0;\nwhile (typeof x === \"object\" || typeof x === \"function\") { x = typeof x === \"function\" ? x() : Array.isArray(x) ? x[0] : x.a; d++; }\nconsole.log(d, x);\n";

const PARENTHESES: Construct = Construct {
    file: "main.js",
    program: |n| format!("console.log({});\n", nest("(", "1", ")", n)),
    prints: None,
};
const ARRAYS: Construct = Construct {
    file: "main.js",
    program: |n| format!("let x = {};\n{UNWRAP}", nest("[", "1", "]", n)),
    prints: None,
};
const OBJECTS: Construct = Construct {
    file: "main.js",
    program: |n| format!("let x = {};\n{UNWRAP}", nest("{a:", "1", "}", n)),
    prints: None,
};
const ARROWS: Construct = Construct {
    file: "main.js",
    program: |n| format!("let x = {}1;\n{UNWRAP}", "() => ".repeat(n)),
    prints: None,
};
const FUNCTIONS: Construct = Construct {
    file: "main.js",
    program: |n| {
        let inner = nest("function () { return ", "1", "; }", n);
        format!("let x = {inner};\n{UNWRAP}")
    },
    prints: None,
};
const BLOCKS: Construct = Construct {
    file: "main.js",
    program: |n| {
        format!(
            "let d = 0;\n{}\n",
            nest("{ d++; ", "console.log(d);", " }", n)
        )
    },
    prints: None,
};
const IF_ELSE_CHAIN: Construct = Construct {
    file: "main.js",
    program: |n| {
        let mut text = format!("const x = {};\n", n - 1);
        for i in 0..n {
            let word = if i == 0 { "if" } else { "else if" };
            text.push_str(&format!(
                "{word} (x === {i}) console.log(\"branch\", {i});\n"
            ));
        }
        text
    },
    prints: None,
};
const TEMPLATES: Construct = Construct {
    file: "main.js",
    program: |n| format!("console.log({}.length);\n", nest("`a${", "1", "}`", n)),
    prints: None,
};
const CALLS: Construct = Construct {
    file: "main.js",
    program: |n| {
        format!(
            "function f(x) {{ return x + 1; }}\nconsole.log({});\n",
            nest("f(", "0", ")", n)
        )
    },
    prints: None,
};
const SUM: Construct = Construct {
    file: "main.js",
    program: |n| format!("console.log({});\n", vec!["1"; n].join(" + ")),
    prints: None,
};
const JSX: Construct = Construct {
    file: "main.jsx",
    program: |n| {
        format!(
            "/** @jsxRuntime classic */\n/** @jsx h */\n\
             function h(type, props, ...children) {{ return children.length ? children[0] + 1 : 1; }}\n\
             console.log({});\n",
            nest("<a>", "", "</a>", n)
        )
    },
    prints: Some(|n| format!("{n}\n")),
};
const TYPESCRIPT_TYPES: Construct = Construct {
    file: "main.ts",
    program: |n| {
        let json = nest("{\"a\":", "1", "}", n);
        format!(
            "type T = {};\nlet x: T = JSON.parse({});\n{UNWRAP}",
            nest("{ a: ", "number", " }", n),
            serde_json_string(&json)
        )
    },
    prints: Some(|n| format!("{n} 1\n")),
};

/// `text` as a JavaScript string literal.
fn serde_json_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

const FLAG_SETS: [&[&str]; 2] = [&[], &["--minify", "--sourcemap"]];

/// Bundles `construct` nested `n` deep with each flag set; each must
/// succeed. With `run`, Node runs each bundle, which must print what the
/// program prints.
fn bundle_at(construct: &Construct, n: usize, run: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_file(dir, construct.file, &(construct.program)(n));
    let expected = run.then(|| match construct.prints {
        Some(prints) => prints(n),
        None => node_stdout(dir, construct.file),
    });
    for flags in FLAG_SETS {
        let mut args = vec![
            "bundle",
            construct.file,
            "-o",
            "out.js",
            "--log-level",
            "error",
        ];
        args.extend_from_slice(flags);
        let out = weft(dir, &args);
        assert!(
            out.status.success(),
            "{} nested {n} deep, {flags:?}: {:?}\n{}",
            construct.file,
            out.status,
            truncated(&String::from_utf8_lossy(&out.stderr))
        );
        let bundle = fs::read_to_string(dir.join("out.js")).unwrap();
        assert!(!bundle.is_empty());
        if let Some(expected) = &expected {
            assert_eq!(
                &node_stdout(dir, "out.js"),
                expected,
                "{} nested {n} deep, {flags:?}: the bundle prints something else",
                construct.file
            );
        }
        fs::remove_file(dir.join("out.js")).unwrap();
    }
}

fn truncated(text: &str) -> &str {
    &text[..text.floor_char_boundary(4000)]
}

/// As deep as Node runs it: bundled, run and compared. Then as deep as
/// weft's limit allows, `limit` steps: bundled.
fn check(construct: &Construct, node_runs: usize, limit: usize) {
    require_node();
    bundle_at(construct, node_runs, true);
    bundle_at(construct, limit, construct.prints.is_some());
}

// Node 20 refuses each program a little deeper than it runs here: at 1,639
// parentheses, 2,011 arrays, 1,385 objects, 1,075 arrows, 973 functions,
// 2,841 blocks, 3,677 `else if`s, 1,833 templates and 1,384 calls. The
// programs at weft's limit leave room for the levels around the nesting
// (the statement, the call to `console.log`, …); a function is two levels.

#[test]
fn parentheses() {
    check(&PARENTHESES, 1_500, NESTING_LIMIT - 8);
}

#[test]
fn arrays() {
    check(&ARRAYS, 1_800, NESTING_LIMIT - 8);
}

#[test]
fn objects() {
    check(&OBJECTS, 1_250, NESTING_LIMIT - 8);
}

#[test]
fn arrows() {
    check(&ARROWS, 950, NESTING_LIMIT - 8);
}

#[test]
fn functions() {
    check(&FUNCTIONS, 850, NESTING_LIMIT / 2 - 8);
}

/// swc's scope resolver hoists each block's declarations by walking every
/// block inside it, which takes time that grows with the square of the
/// depth (ten seconds at 20,000 levels): the deep program stops at 8,000.
#[test]
fn blocks() {
    check(&BLOCKS, 2_500, 8_000);
}

/// Minified, the chain is a chain of `?:`, which Node nests only 2,595
/// deep.
#[test]
fn if_else_chains() {
    check(&IF_ELSE_CHAIN, 2_400, NESTING_LIMIT - 8);
}

#[test]
fn templates() {
    check(&TEMPLATES, 1_600, NESTING_LIMIT - 8);
}

#[test]
fn calls() {
    check(&CALLS, 1_200, NESTING_LIMIT - 8);
}

/// Node takes sums of millions of terms; weft, chains of 100,000 links.
#[test]
fn a_sum_of_a_hundred_thousand_terms() {
    require_node();
    bundle_at(&SUM, CHAIN_LIMIT, true);
}

/// Node runs the bundle, nested calls, to about 1,300.
#[test]
fn jsx_elements() {
    require_node();
    bundle_at(&JSX, 1_100, true);
    bundle_at(&JSX, NESTING_LIMIT - 8, false);
}

/// Types are erased: the bundle runs whatever their depth.
#[test]
fn typescript_types() {
    require_node();
    bundle_at(&TYPESCRIPT_TYPES, 1_500, true);
    bundle_at(&TYPESCRIPT_TYPES, NESTING_LIMIT - 8, true);
}

/// Bundles `program` as `main.js`, expecting exit 1, an `error:` line with
/// `message`, a `--> main.js:line:col` location, and no file written.
fn assert_refused(program: &str, message: &str, line: usize, column: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_file(dir, "main.js", program);
    for flags in FLAG_SETS {
        let mut args = vec!["bundle", "main.js", "-o", "out.js"];
        args.extend_from_slice(flags);
        let out = weft(dir, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}", truncated(&stderr));
        assert!(
            stderr.contains(&format!("error: {message}")),
            "{}",
            truncated(&stderr)
        );
        let location = format!("--> main.js:{line}:{column}");
        assert!(
            stderr.contains(&location),
            "no `{location}` in\n{}",
            truncated(&stderr)
        );
        let left: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["main.js"], "a failed build wrote files");
    }
}

#[test]
fn nesting_past_the_limit_is_an_error_at_its_place() {
    // `x = ` is two levels, the parentheses one each: the one that opens
    // level 20,001 is the error.
    let depth = NESTING_LIMIT + 10;
    let program = format!("let x;\nx = {};\n", nest("(", "1", ")", depth));
    let column = "x = ".len() + (NESTING_LIMIT - 2) + 1;
    assert_refused(
        &program,
        "this code is nested deeper than weft's limit of 20000 levels",
        2,
        column,
    );
}

#[test]
fn a_chain_past_the_limit_is_an_error_at_its_start() {
    let program = format!("let x;\nx = {};\n", vec!["1"; CHAIN_LIMIT + 10].join(" + "));
    assert_refused(
        &program,
        "this chain is longer than weft's limit of 100000 links",
        2,
        5,
    );
}

/// A chain far past the limit is taken apart without recursing.
#[test]
fn a_sum_of_a_million_terms_is_refused_without_a_crash() {
    let program = format!("console.log({});\n", vec!["1"; 1_000_000].join("+"));
    assert_refused(
        &program,
        "this chain is longer than weft's limit of 100000 links",
        1,
        13,
    );
}

/// Nesting so deep that parsing it would overflow the parser's stack is
/// refused before it is parsed, where it gets too deep.
#[test]
fn nesting_too_deep_to_parse_is_an_error_before_parsing() {
    let program = format!("x = {};\n", nest("(", "1", ")", 1_000_000));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_file(dir, "main.js", &program);
    let out = weft(dir, &["bundle", "main.js", "-o", "out.js"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", truncated(&stderr));
    assert!(
        stderr.contains("error: this code is nested too deep to parse"),
        "{}",
        truncated(&stderr)
    );
    assert!(stderr.contains("--> main.js:1:"), "{}", truncated(&stderr));
    assert!(!dir.join("out.js").exists());
}

/// A deep module in a build that fails for another reason: its tree is
/// freed on a thread whose stack holds it.
#[test]
fn a_deep_module_in_a_failing_build_is_freed_without_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_file(
        dir,
        "deep.js",
        &format!(
            "export const deep = {};\n",
            nest("[", "1", "]", NESTING_LIMIT - 8)
        ),
    );
    write_file(
        dir,
        "main.js",
        "import { deep, missing } from './deep.js';\nconsole.log(deep, missing);\n",
    );
    let out = weft(dir, &["bundle", "main.js", "-o", "out.js"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", truncated(&stderr));
    assert!(stderr.contains("missing"), "{}", truncated(&stderr));
    assert!(!dir.join("out.js").exists());
}

/// The Rust API frees a build's trees on a thread of its own.
#[test]
fn the_rust_api_bundles_and_frees_a_deep_module() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_file(dir, "main.js", &(OBJECTS.program)(NESTING_LIMIT - 8));
    let mut options = weft::BuildOptions::new(dir.join("main.js"), dir.join("out.js"));
    options.write = false;
    for _ in 0..2 {
        let built = weft::build(&options).unwrap_or_else(|d| panic!("{}", d.render(dir)));
        assert!(built.files[0].contents.contains("a:"));
    }
    // The frees run while the test goes on; give them time to finish.
    std::thread::sleep(std::time::Duration::from_millis(500));
}
