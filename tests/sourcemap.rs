//! Source maps: every string literal of a generated project names its own
//! file and line; for each one in the bundle, plain and minified, the map
//! must give back that file and line, and `sourcesContent` the original
//! text. The map is read with `swc_sourcemap`'s decoder.

mod support;

use std::fs;
use std::path::Path;

use support::{node_stdout as node, weft_ok, write_file as write};

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
    weft_ok(dir, &all);
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
    weft_ok(
        dir,
        &[
            "bundle",
            "main.js",
            "-o",
            "inline.mjs",
            "--sourcemap=inline",
        ],
    );
    let code = fs::read_to_string(dir.join("inline.mjs")).unwrap();
    assert!(code.contains("//# sourceMappingURL=data:application/json;base64,"));
    assert!(!dir.join("inline.mjs.map").exists());
    weft_ok(dir, &["bundle", "main.js", "-o", "plain.mjs"]);
    assert_eq!(node(dir, "inline.mjs"), node(dir, "plain.mjs"));

    // external: a file, no comment; without sourcesContent.
    weft_ok(
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
    let code = fs::read_to_string(dir.join("external.mjs")).unwrap();
    assert!(!code.contains("sourceMappingURL"), "{code}");
    let json = fs::read(dir.join("external.mjs.map")).unwrap();
    let map = swc_sourcemap::SourceMap::from_slice(&json).unwrap();
    assert!(map.get_source_contents(0).is_none());
    assert!(map.sources().any(|s| &**s == "shapes.ts"));
}

/// The same options from Rust: with `write: false` the map comes back next
/// to the bundle, and nothing is written.
#[test]
fn the_rust_api_returns_the_map_with_the_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    let mut options = weft::BuildOptions::new("main.js", "out/bundle.js");
    options.cwd = dir.to_path_buf();
    options.write = false;
    options.minify_whitespace = true;
    options.minify_syntax = true;
    options.minify_identifiers = true;
    options.source_maps = weft::SourceMaps::Linked;
    let output = weft::build(&options).expect("the build succeeds");
    let names: Vec<String> = output
        .files
        .iter()
        .map(|f| f.path.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["out/bundle.js", "out/bundle.js.map"]);
    assert!(output.files[0]
        .contents
        .ends_with("//# sourceMappingURL=bundle.js.map\n"));
    let map = swc_sourcemap::SourceMap::from_slice(output.files[1].contents.as_bytes()).unwrap();
    assert!(map.sources().any(|s| &**s == "../shapes.ts"));
    assert!(!dir.join("out").exists());
}
