use proptest::prelude::*;

use super::*;

const JS: Dialect = Dialect {
    jsx: false,
    typescript: false,
};
const TS: Dialect = Dialect {
    jsx: false,
    typescript: true,
};
const JSX: Dialect = Dialect {
    jsx: true,
    typescript: false,
};
const TSX: Dialect = Dialect {
    jsx: true,
    typescript: true,
};

/// Scans with the reference and with every classifier, checks they agree.
fn scan_in(source: &str, dialect: Dialect) -> Prescan<'_> {
    let reference = prescan_reference(source.as_bytes(), dialect);
    for classifier in Classifier::available() {
        assert_eq!(
            prescan_with(source.as_bytes(), dialect, classifier),
            reference,
            "{classifier:?} disagrees with the reference on {source:?}"
        );
    }
    reference
}

fn found_in(source: &str, dialect: Dialect) -> Vec<(String, ScanKind)> {
    scan_in(source, dialect)
        .imports
        .into_iter()
        .map(|i| (i.specifier.into_owned(), i.kind))
        .collect()
}

fn found(source: &str) -> Vec<(String, ScanKind)> {
    found_in(source, JS)
}

fn imports(specifiers: &[(&str, ScanKind)]) -> Vec<(String, ScanKind)> {
    specifiers
        .iter()
        .map(|&(s, k)| (s.to_string(), k))
        .collect()
}

use ScanKind::{Dynamic, Import, ReExport, Require};

#[test]
fn every_kind_of_import() {
    let source = "import a from 'a';\nimport 'b';\nimport * as c from \"c\";\n\
                  import d, { e as f, g } from 'd';\nexport * from 'e';\n\
                  export * as ns from 'f';\nexport { x as y } from 'z';\n\
                  const h = await import('h');\nconst i = require('i');\n\
                  import(`j`);\n";
    assert_eq!(
        found(source),
        imports(&[
            ("a", Import),
            ("b", Import),
            ("c", Import),
            ("d", Import),
            ("e", ReExport),
            ("f", ReExport),
            ("z", ReExport),
            ("h", Dynamic),
            ("i", Require),
            ("j", Dynamic),
        ])
    );
}

#[test]
fn ranges_cover_the_literal_with_its_quotes() {
    let source = "import x from 'abc';";
    let scan = scan_in(source, JS);
    assert_eq!(&source[scan.imports[0].range.clone()], "'abc'");
}

#[test]
fn division_after_operands_and_regex_after_operators() {
    assert_eq!(
        found("let q = a / b / c; import('x');"),
        imports(&[("x", Dynamic)])
    );
    assert_eq!(
        found("let q = f(a) / 2 / require('r');"),
        imports(&[("r", Require)])
    );
    assert_eq!(
        found("let q = a[0] / 2 / require('r');"),
        imports(&[("r", Require)])
    );
    assert_eq!(found("x = /import('y')/;"), imports(&[]));
    assert_eq!(
        found("function f(s) { return /'/.test(s) }\nrequire('after');"),
        imports(&[("after", Require)])
    );
    assert_eq!(
        found("if (typeof /\"/ === 'x') {}\nrequire('after');"),
        imports(&[("after", Require)])
    );
    assert_eq!(
        found("const re = /[/'\"]/g; require('after');"),
        imports(&[("after", Require)])
    );
    assert_eq!(
        found("let n = 1 / 2; let m = n++ / 2; require('after');"),
        imports(&[("after", Require)])
    );
}

#[test]
fn braces_decide_what_follows_them() {
    // A block's `}` may be followed by a regex; an object literal's by a
    // division.
    assert_eq!(
        found("if (a) {}\n/'/.test(s); require('x');"),
        imports(&[("x", Require)])
    );
    assert_eq!(
        found("let n = {}.valueOf() / 2; let m = ({} / 2); require('x');"),
        imports(&[("x", Require)])
    );
}

#[test]
fn template_substitutions_nest() {
    assert_eq!(found("`${ `${'import(\"x\")'}` }`"), imports(&[]));
    assert_eq!(
        found("const s = `a ${ {k: `b ${ require('inner') } '`}.k } c`; require('outer');"),
        imports(&[("inner", Require), ("outer", Require)])
    );
    assert_eq!(
        found("`${'}'}` + require('after')"),
        imports(&[("after", Require)])
    );
    assert_eq!(
        found("`$`+`\\${`+ require('x')"),
        imports(&[("x", Require)])
    );
}

#[test]
fn comments_hide_imports() {
    assert_eq!(
        found("// import 'a'\n/* require('b') */ /**/ import 'c'; /*/ 'd' */"),
        imports(&[("c", Import)])
    );
}

#[test]
fn import_meta_is_esm_but_not_an_import() {
    let scan = scan_in("console.log(import.meta.url);", JS);
    assert!(scan.imports.is_empty());
    assert!(scan.esm_syntax);
    assert!(!scan.commonjs_syntax);
}

#[test]
fn type_only_imports_are_not_imports_in_typescript() {
    assert_eq!(
        found_in(
            "import type { X } from 'y';\nexport type { Z } from 'w';\nimport type D from 'd';\n\
             import type from 'real';\nimport type, { a } from 'real2';\nimport { type T } from 'kept';",
            TS
        ),
        imports(&[("real", Import), ("real2", Import), ("kept", Import)])
    );
}

#[test]
fn member_calls_are_not_imports() {
    let scan = scan_in("a.require('x'); obj.import('y'); b?.require('z');", JS);
    assert!(scan.imports.is_empty());
    assert!(!scan.commonjs_syntax);
    assert_eq!(
        found("f(...require('spread'))"),
        imports(&[("spread", Require)])
    );
}

#[test]
fn keywords_must_be_whole_words() {
    assert_eq!(
        found("reimport('a'); importX('b'); requires('c');"),
        imports(&[])
    );
    assert!(!scan_in("const modules = exported;", JS).commonjs_syntax);
}

#[test]
fn strings_hide_keywords_and_escapes_are_decoded() {
    let scan = scan_in("const s = 'require(\"x\")'; const t = \"import('y')\";", JS);
    assert!(scan.imports.is_empty());
    assert!(!scan.commonjs_syntax);
    assert_eq!(
        found(r#"const s = 'it\'s \\'; require("a\"b"); require('\x41\u0042\u{43}');"#),
        imports(&[("a\"b", Require), ("ABC", Require)])
    );
}

#[test]
fn flags() {
    let cjs = scan_in("module.exports = 1;", JS);
    assert!(cjs.commonjs_syntax && !cjs.esm_syntax);
    let esm = scan_in("export const x = 1;", JS);
    assert!(esm.esm_syntax && !esm.commonjs_syntax);
    let nested = scan_in("function f() { export = 1 }", JS);
    assert!(!nested.esm_syntax);
}

#[test]
fn jsx_text_is_not_code() {
    let source = "const a = <p>Don't {name} \"quote</p>;\nrequire('after');\n\
                  const b = cond && <div title=\"it's\" on={() => require('inner')}>\n\
                  <br/>it's <>frag'</> {`t`}</div>;\nimport('last');";
    assert_eq!(
        found_in(source, JSX),
        imports(&[("after", Require), ("inner", Require), ("last", Dynamic)])
    );
    // In plain JS the apostrophe would open a string.
    assert_eq!(
        found_in("return (<p>Don't</p>);\nrequire('x');", TSX),
        imports(&[("x", Require)])
    );
    assert_eq!(
        found_in(
            "if (a < b) { require('x') } const f = <T,>(v: T) => v; require('y');",
            TSX
        ),
        imports(&[("x", Require), ("y", Require)])
    );
}

#[test]
fn crlf_line_endings() {
    assert_eq!(
        found("// comment\r\nimport a from 'a';\r\nconst s = 'x\\\r\ny';\r\nrequire('b');\r\n"),
        imports(&[("a", Import), ("b", Require)])
    );
}

#[test]
fn byte_order_mark() {
    let source = "\u{feff}import a from 'a';";
    let scan = scan_in(source, JS);
    assert_eq!(&source[scan.imports[0].range.clone()], "'a'");
    assert!(scan.esm_syntax);
}

#[test]
fn hashbang() {
    assert_eq!(
        found("#!/usr/bin/env node 'x\nrequire('a');"),
        imports(&[("a", Require)])
    );
}

#[test]
fn non_ascii_before_a_quote_at_a_block_boundary() {
    // `é` is two bytes; some padding puts it across the 64-byte boundary,
    // some puts the closing quote right after it at the boundary.
    for pad in 55..70 {
        let source = format!(
            "s = '{}é'; require('é');",
            "ü".repeat(pad / 2) + &"x".repeat(pad % 2)
        );
        assert_eq!(found(&source), imports(&[("é", Require)]), "{source}");
    }
}

#[test]
fn specifiers_at_block_boundaries() {
    for pad in 50..140 {
        for (form, kind) in [
            ("require('spec');", Require),
            ("import 'spec';", Import),
            ("import('spec');", Dynamic),
            ("export * from 'spec';", ReExport),
        ] {
            let source = format!("{}{form}", " ".repeat(pad));
            let scan = scan_in(&source, JS);
            assert_eq!(scan.imports.len(), 1, "{source:?}");
            assert_eq!(scan.imports[0].kind, kind);
            assert_eq!(&source[scan.imports[0].range.clone()], "'spec'");
        }
    }
}

#[test]
fn unterminated_constructs_do_not_panic() {
    for source in [
        "'abc",
        "\"a\\",
        "`${",
        "`${'",
        "/* import",
        "// x",
        "/[",
        "/re",
        "import",
        "import(",
        "import('x'",
        "require('x",
        "export {",
        "export * from",
        "import a from",
        "<a",
        "<a>text",
        "<a b='",
        "<a b={",
        "\\",
        "'\\",
        "`\\",
        "import x from '\\",
    ] {
        for dialect in [JS, TS, JSX, TSX] {
            scan_in(source, dialect);
        }
    }
}

#[test]
fn classifiers_agree_on_masks() {
    let mut window: classify::Window = [0; _];
    for start in 0..=255u8 {
        for step in [1, 7] {
            for (i, b) in window.iter_mut().enumerate() {
                *b = start.wrapping_add((i * step) as u8);
            }
            for jsx in [false, true] {
                let expected = Classifier::Scalar.classify(&window, jsx);
                for classifier in Classifier::available() {
                    let mask = classifier.classify(&window, jsx);
                    assert_eq!(mask, expected, "{classifier:?}");
                }
            }
        }
    }
    // Keyword prefixes at every offset, the last ones running past the block.
    for prefix in ["imp", "exp", "req", "mod", "im", "ex", "re", "mo"] {
        for at in 0..64 {
            let mut window: classify::Window = [b' '; _];
            let end = (at + prefix.len()).min(window.len());
            window[at..end].copy_from_slice(&prefix.as_bytes()[..end - at]);
            let expected = Classifier::Scalar.classify(&window, false);
            assert_eq!(
                (expected.opens, expected.closes, expected.others),
                (0, 0, u64::from(prefix.len() == 3) << at),
                "{prefix} at {at}"
            );
            for classifier in Classifier::available() {
                assert_eq!(
                    classifier.classify(&window, false),
                    expected,
                    "{classifier:?}"
                );
            }
        }
    }
}

#[test]
fn classifiers_agree_on_searches() {
    let source: Vec<u8> = (0..300u32).map(|i| (i * 37 % 251) as u8).collect();
    for needles in [
        [b'/'; 4],
        [b'\'', b'\\', b'\n', b'\''],
        [0, 1, 2, 3],
        [250; 4],
    ] {
        for from in 0..=source.len() + 2 {
            for len in [source.len(), source.len() - 5, 40, 10] {
                let src = &source[..len];
                let expected = Classifier::Scalar.find(src, from, needles);
                for classifier in Classifier::available() {
                    let found = classifier.find(src, from, needles);
                    assert_eq!(found, expected, "{classifier:?} from {from}");
                }
            }
        }
    }
}

const FRAGMENTS: &[&str] = &[
    "import",
    "export",
    "require",
    "module",
    "exports",
    "from",
    "return",
    "typeof",
    "a",
    "b1",
    "x.",
    ".",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "${",
    "`",
    "'",
    "\"",
    "\\",
    "/",
    "*",
    "//",
    "/*",
    "*/",
    "\n",
    "\r\n",
    " ",
    ";",
    ",",
    "=",
    "<",
    ">",
    "</",
    "/>",
    "<div>",
    "</div>",
    "é",
    "2",
    "import('x')",
    "require(\"y\")",
    "import z from 'z'",
    "export * from 'w'",
    "import.meta",
    "type",
    "as",
    "=>",
    "&&",
    "?",
    ":",
    // Braces, whose kind decides what a later `/` or `<` is.
    "{}",
    "x = {",
    "if (a) {",
    "return {",
    "/* c */",
    "// c\n",
    "/2",
    "/'/",
    "${ {",
    "<a b={",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..200).prop_map(|parts| parts.concat())
}

fn dialect() -> impl Strategy<Value = Dialect> {
    prop::sample::select(vec![JS, TS, JSX, TSX])
}

fn assert_agree(source: &[u8], dialect: Dialect) -> Result<(), TestCaseError> {
    let reference = prescan_reference(source, dialect);
    for classifier in Classifier::available() {
        prop_assert_eq!(
            &prescan_with(source, dialect, classifier),
            &reference,
            "{:?}",
            classifier
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn classifiers_agree_on_random_bytes(
        source in prop::collection::vec(any::<u8>(), 0..400),
        dialect in dialect(),
    ) {
        assert_agree(&source, dialect)?;
    }

    #[test]
    fn classifiers_agree_on_token_soup(source in soup(), dialect in dialect()) {
        assert_agree(source.as_bytes(), dialect)?;
    }
}

#[test]
fn braces_are_told_apart_by_the_token_before_them() {
    // An object literal's `}` is followed by a division, a block's by a
    // regex; a misread would hide the `require` in a regex or string, or
    // show one hidden there.
    for source in [
        "let n = {} / 2; require('x');",
        "let n = { a: { b: 1 } } / 2; require('x');",
        "let n = /* c */ {} / 2; require('x');",
        "let n = 'a' + {} / 2; require('x');",
        "let n = `a` + {} / 2; require('x');",
        "let n = {} /* c */ / 2; require('x');",
        "let n = {}\n// c\n/ 2; require('x');",
        "x = f(a => ({}) / 2, { a: 1 } / 2); require('x');",
        "return {} / 2; require('x');",
        "if (a) {}\n/'/.test(s); require('x');",
        "if (a) /* c */ {}\n/'/.test(s); require('x');",
        "if (a) {} /* c */ /'/.test(s); require('x');",
        "function f() { return {} }\n/'/.test(s); require('x');",
        "} /'/.test(s); require('x');",
        "try {} finally {}\n/'/.test(s); require('x');",
    ] {
        assert_eq!(found(source), imports(&[("x", Require)]), "{source}");
    }
    for source in [
        "let n = {} /'/.test(s); require('x');",
        "if (a) {} / 2; require('x') /",
    ] {
        assert_eq!(found(source), imports(&[]), "{source}");
    }
}

#[test]
fn braces_inside_substitutions() {
    assert_eq!(
        found("const s = `${ {a: 1}.a } ${ (() => { return {} })() / 2 }`; require('x');"),
        imports(&[("x", Require)])
    );
    assert_eq!(
        found("`${ { k: `${ { } }${'}'}` } }` + require('x') + `${ {} / 2 }`;"),
        imports(&[("x", Require)])
    );
    assert_eq!(
        found("`${ if (a) {} }/'/` + require('x');"),
        imports(&[("x", Require)])
    );
    // A `}` with no brace open inside the substitution ends it.
    assert_eq!(
        found("{ `${ } import('a') `; } import('b');"),
        imports(&[("b", Dynamic)])
    );
}

#[test]
fn braces_inside_jsx() {
    let source = "const a = <div style={{ color: 'red' }} on={() => { if (x) {} }}>\n\
                  { {a: 1}.a } it's {`${ {} }`}</div>;\nrequire('x');";
    assert_eq!(found_in(source, JSX), imports(&[("x", Require)]));
    assert_eq!(
        found_in("<a b={ { } }>{ {} / 2 }</a>; require('x');", TSX),
        imports(&[("x", Require)])
    );
}

#[test]
fn declarations_count_only_at_the_top_level() {
    assert_eq!(
        found("function f() { import a from 'a'; export * from 'b'; }\nimport c from 'c';"),
        imports(&[("c", Import)])
    );
    assert_eq!(
        found("`${ import d from 'd' }`; { } import e from 'e';"),
        imports(&[("e", Import)])
    );
    assert!(!scan_in("if (a) { export const b = 1; }", JS).esm_syntax);
}

#[test]
fn comments_keep_the_token_before_them() {
    // What follows a comment reads as following the token before it.
    for (source, dialect) in [
        ("x = /* c */ /'/; require('x');", JS),
        ("x = a /* c */ / 2; require('x');", JS),
        ("x = // c\n/'/; require('x');", JS),
        ("x = /* a */ /* b */ /'/; require('x');", JS),
        ("x = /* c */ <p>it's</p>; require('x');", JSX),
        ("x = a /* c */ < b; require('x');", JSX),
    ] {
        assert_eq!(
            found_in(source, dialect),
            imports(&[("x", Require)]),
            "{source}"
        );
    }
}

#[test]
fn counting_braces_loses_its_way_only_before_a_regex_or_jsx() {
    let counted = |source: &str, dialect: Dialect| {
        let found = walk(
            source.as_bytes(),
            dialect,
            false,
            &classify::classify_scalar,
            &classify::find_scalar,
            false,
        );
        found.is_some()
    };
    // What follows a counted `}` is known without it: comments, operands,
    // a division after an operand, and braces inside a substitution.
    assert!(counted("function f() {}\n// c\n/* d */\nrequire('x');", JS));
    assert!(counted("if (a) { b() }\nx = 1 / 2;", JS));
    assert!(counted("x = `${ {} / 2 }`;", JS));
    assert!(counted("} } { import a from 'a' }", JS));
    // A regex or JSX right after a `}` depends on what it closed.
    assert!(!counted("if (a) {}\n/'/.test(s);", JS));
    assert!(!counted("if (a) {} /* c */ /'/.test(s);", JS));
    assert!(!counted("if (a) {}\n<p>it's</p>;", JSX));
}
