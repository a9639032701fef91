//! Source maps: every string literal of a generated project names its own
//! file and line; for each one in the bundle, plain and minified, the map
//! must give back that file and line, and `sourcesContent` the original
//! text. The map is read with `swc_sourcemap`'s decoder.

mod support;

use std::fs;
use std::path::Path;

use support::{node_stdout as node, weft, write_file as write};

/// A literal that says where it is written: `@@file:line`.
fn marker(file: &str, line: usize) -> String {
    format!("@@{file}:{line}")
}

/// Writes `lines` (with `{}` standing for the line's own marker) as `file`.
fn module(dir: &Path, file: &str, lines: &[&str]) {
    let text: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| line.replace("{}", &marker(file, i + 1)))
        .collect();
    write(dir, file, &(text.join("\n") + "\n"));
}

fn project(dir: &Path) {
    write(dir, "package.json", "{\"type\":\"module\"}\n");
    module(
        dir,
        "main.js",
        &[
            "import { shapes } from './shapes.ts';",
            "import legacy from './legacy.cjs';",
            "",
            "console.log('{}', shapes());",
            "console.log(legacy.label, '{}');",
            "import('./late.js').then((m) => console.log(m.late(), '{}'));",
        ],
    );
    module(
        dir,
        "shapes.ts",
        &[
            "interface Shape {",
            "  kind: string;",
            "  area(): number;",
            "}",
            "enum Kind { Square = 1, Circle }",
            "export function shapes(): string {",
            "  const all: Shape[] = [",
            "    { kind: '{}', area: () => Kind.Square },",
            "    { kind: 'é😀 {}', area: () => Kind.Circle },",
            "  ];",
            "  return all.map((s) => s.kind + s.area()).join(', ');",
            "}",
        ],
    );
    module(
        dir,
        "legacy.cjs",
        &[
            "const detail = { at: '{}' };",
            "",
            "module.exports = { label: '{}', detail };",
        ],
    );
    module(
        dir,
        "late.js",
        &["export function late() {", "  return '{}';", "}"],
    );
}

/// Where each marker is in `code`: (marker, 0-based line, UTF-16 column of
/// its opening quote).
fn markers_in(code: &str) -> Vec<(String, u32, u32)> {
    let mut found = Vec::new();
    for (line_no, line) in code.lines().enumerate() {
        if line.starts_with("//# sourceMappingURL") {
            continue;
        }
        let mut from = 0;
        while let Some(at) = line[from..].find("@@") {
            let start = from + at;
            let end = start
                + line[start..]
                    .find(['\'', '"'])
                    .expect("a marker ends with a quote");
            let quote = line[..start]
                .rfind(['\'', '"'])
                .expect("a marker is in a string");
            let column = line[..quote].encode_utf16().count() as u32;
            found.push((line[start..end].to_string(), line_no as u32, column));
            from = end;
        }
    }
    found
}

fn check(dir: &Path, args: &[&str]) {
    let mut all = vec!["bundle", "main.js", "-o", "out/bundle.js", "--sourcemap"];
    all.extend(args);
    let out = weft(dir, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = fs::read_to_string(dir.join("out/bundle.js")).unwrap();
    assert!(
        code.ends_with("//# sourceMappingURL=bundle.js.map\n"),
        "{args:?}: {code}"
    );
    let json = fs::read(dir.join("out/bundle.js.map")).unwrap();
    let map = swc_sourcemap::SourceMap::from_slice(&json).expect("the map decodes");

    let markers = markers_in(&code);
    assert_eq!(markers.len(), 8, "{args:?}: markers {markers:?} in\n{code}");
    for (text, line, column) in markers {
        let (file, source_line) = text[2..].rsplit_once(':').unwrap();
        let token = map
            .lookup_token(line, column)
            .unwrap_or_else(|| panic!("{args:?}: no mapping for {text} at {line}:{column}"));
        assert_eq!(
            (token.get_dst_line(), token.get_dst_col()),
            (line, column),
            "{args:?}: {text} has no mapping of its own"
        );
        assert_eq!(
            token.get_source().map(|s| &**s),
            Some(&*format!("../{file}")),
            "{args:?}: {text}"
        );
        assert_eq!(
            token.get_src_line() + 1,
            source_line.parse::<u32>().unwrap(),
            "{args:?}: {text}"
        );
        let contents = map
            .get_source_contents(token.get_src_id())
            .expect("sourcesContent is included");
        assert_eq!(
            &**contents,
            fs::read_to_string(dir.join(file)).unwrap(),
            "{args:?}: {file}"
        );
    }
}

#[test]
fn every_literal_maps_to_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    for args in [
        &[][..],
        &["--minify"][..],
        &["--format", "iife"][..],
        &["--format", "cjs", "--minify"][..],
    ] {
        check(dir, args);
    }
}

#[test]
fn map_kinds_and_sources_content() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    // inline: a data URL, no file.
    let out = weft(
        dir,
        &[
            "bundle",
            "main.js",
            "-o",
            "inline.mjs",
            "--sourcemap=inline",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = fs::read_to_string(dir.join("inline.mjs")).unwrap();
    assert!(code.contains("//# sourceMappingURL=data:application/json;base64,"));
    assert!(!dir.join("inline.mjs.map").exists());
    let out = weft(dir, &["bundle", "main.js", "-o", "plain.mjs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(node(dir, "inline.mjs"), node(dir, "plain.mjs"));

    // external: a file, no comment; without sourcesContent.
    let out = weft(
        dir,
        &[
            "bundle",
            "main.js",
            "-o",
            "external.mjs",
            "--sourcemap=external",
            "--sources-content=false",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = fs::read_to_string(dir.join("external.mjs")).unwrap();
    assert!(!code.contains("sourceMappingURL"), "{code}");
    let json = fs::read(dir.join("external.mjs.map")).unwrap();
    let map = swc_sourcemap::SourceMap::from_slice(&json).unwrap();
    assert!(map.get_source_contents(0).is_none());
    assert!(map.sources().any(|s| &**s == "shapes.ts"));
}
