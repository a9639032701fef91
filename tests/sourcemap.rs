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
    check_entry(dir, "main.js", 8, args);
}

/// Bundles `entry` with a linked map and checks its `count` markers.
fn check_entry(dir: &Path, entry: &str, count: usize, args: &[&str]) {
    let mut all = vec!["bundle", entry, "-o", "out/bundle.js", "--sourcemap"];
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
    assert_eq!(
        markers.len(),
        count,
        "{args:?}: markers {markers:?} in\n{code}"
    );
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

/// Writes `compiled` (in `dir`), a file another tool made from `original`:
/// its lines are the original's, indented, below a header and with blank
/// lines between them, and its source map (inline or in a `.map` file)
/// says where each came from.
fn compiled_module(dir: &Path, compiled: &str, original: &str, lines: &[&str], inline: bool) {
    let source: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| line.replace("{}", &marker(original, i + 1)))
        .collect();
    let source_text = source.join("\n") + "\n";
    write(dir, original, &source_text);

    let header = ["// compiled", "var compiledBy = 'hand';", ""];
    let mut out: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    let compiled_path = dir.join(compiled);
    let compiled_dir = compiled_path.parent().unwrap();
    let relative = pathdiff(&dir.join(original), compiled_dir);
    let mut builder = swc_sourcemap::SourceMapBuilder::new(None);
    let id = builder.add_source(relative.into());
    builder.set_source_contents(id, Some(source_text.clone().into()));
    for (i, line) in source.iter().enumerate() {
        let dst_line = out.len() as u32;
        // The line's start and each quote.
        builder.add_raw(dst_line, 2, i as u32, 0, Some(id), None, false);
        for (at, _) in line.match_indices(['\'', '"']) {
            let at = at as u32;
            builder.add_raw(dst_line, at + 2, i as u32, at, Some(id), None, false);
        }
        out.push(format!("  {line}"));
        out.push(String::new());
    }
    let mut json = Vec::new();
    builder.into_sourcemap().to_writer(&mut json).unwrap();
    let name = compiled_path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let reference = if inline {
        let map = swc_sourcemap::SourceMap::from_slice(&json).unwrap();
        map.to_data_url().unwrap()
    } else {
        write(
            dir,
            &format!("{compiled}.map"),
            std::str::from_utf8(&json).unwrap(),
        );
        format!("{name}.map")
    };
    out.push(format!("//# sourceMappingURL={reference}"));
    write(dir, compiled, &(out.join("\n") + "\n"));
}

/// `path` relative to `dir`, both under the same root.
fn pathdiff(path: &Path, dir: &Path) -> String {
    let path: Vec<_> = path.components().collect();
    let dir: Vec<_> = dir.components().collect();
    let common = path.iter().zip(&dir).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = dir[common..].iter().map(|_| "..".to_string()).collect();
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Files compiled by another tool carry their own source maps; the
/// bundle's map goes through them to the original sources, plain and
/// minified, from a `.map` file and from a data URL.
#[test]
fn input_source_maps_are_composed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "package.json", "{\"type\":\"module\"}\n");
    compiled_module(
        dir,
        "dist/lib.js",
        "src/lib.ts",
        &[
            "export const first = '{}';",
            "",
            "export function second() {",
            "  return ['{}', first];",
            "}",
        ],
        false,
    );
    compiled_module(
        dir,
        "dist/util.js",
        "src/util.ts",
        &["export const third = '{}';", "export const fourth = '{}';"],
        true,
    );
    write(
        dir,
        "entry.js",
        "import { first, second } from './dist/lib.js';\n\
         import { third, fourth } from './dist/util.js';\n\
         console.log(first, second(), third, fourth);\n",
    );
    let expected = node(dir, "entry.js");
    for args in [&[][..], &["--minify"][..], &["--format", "cjs"][..]] {
        check_entry(dir, "entry.js", 4, args);
        let mut run = vec!["bundle", "entry.js", "-o", "out/run.mjs"];
        run.extend(
            args.iter()
                .filter(|a| !a.starts_with("--format") && **a != "cjs"),
        );
        weft_ok(dir, &run);
        assert_eq!(node(dir, "out/run.mjs"), expected, "{args:?}");
    }
}
