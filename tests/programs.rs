//! Node is the oracle.
//!
//! Every folder under `fixtures/programs/` is a small program of ES modules
//! (and CommonJS modules where it says so). Its expected stdout is what Node
//! prints when it runs the program unbundled (`node main.js` in the folder),
//! or, for TypeScript programs that Node cannot run directly, the contents of
//! `expected.txt`. weft bundles the program in each output format the fixture
//! allows, Node runs the bundle, and the stdout and exit status must match
//! exactly.
//!
//! Fixture layout:
//! - `package.json` (`{"type":"module"}`, plus dependencies for fixtures that
//!   use real npm packages, which also commit a `package-lock.json`; those are
//!   installed here with `npm ci` when `node_modules` is missing),
//! - an entry: `main.js`, `main.mjs`, `main.cjs`, `main.jsx`, `main.ts` or
//!   `main.tsx` (Node runs `main.cjs` unbundled as CommonJS, whatever the
//!   package.json says),
//! - `expected.txt`: required for entries Node cannot run itself,
//! - `formats`: optional, a whitespace-separated subset of `esm cjs iife`
//!   (default: all three),
//! - `args`: optional, whitespace-separated extra arguments for every
//!   `weft bundle` of the fixture (for example `--platform node`),
//! - `minify`: optional, the arguments of the minified run instead of
//!   `--minify` (every fixture is also bundled minified), with `#` lines
//!   saying why,
//! - `shaken`: optional, lines `present: TEXT` or `absent: TEXT` that every
//!   bundle must (or must not) contain, for what tree shaking keeps.
//!
//! Each fixture is its own `#[test]` (listed in `fixture_tests!` below), and every
//! test reports all of its failing formats at once. `every_fixture_is_listed`
//! makes sure a new folder cannot be forgotten. Set `WEFT_KEEP_FAILED_BUNDLES`
//! to keep the bundles of failing formats on disk for a look.

#[macro_use]
mod support;

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use support::BundleCheck;

fixture_tests! {
    run_program:
    cjs_dual_package_self_reference,
    cjs_entry_cycle_through_esm,
    cjs_esm_cycles,
    cjs_esm_evaluation_order,
    cjs_esm_import_default,
    cjs_esm_named_exports,
    cjs_exports_basics,
    cjs_json_import_and_require_shared,
    cjs_lazy_evaluation_once,
    cjs_package_imports_field,
    cjs_reexported_by_esm,
    cjs_require_cycle_partial_exports,
    cjs_require_directory_and_main,
    cjs_require_esm,
    cjs_require_esm_module_exports_name,
    cjs_require_json,
    cjs_require_main_is_entry,
    cjs_sloppy_mode,
    cjs_throwing_module_reevaluated,
    cjs_typeof_module_scope_names,
    cjs_values_exported_by_entry,
    cycle_side_effects_both_ways,
    cycle_through_entry,
    default_export_forms,
    dynamic_import_await_ordering,
    dynamic_import_then_without_tla,
    exec_order_siblings_nested,
    export_star_conflicts,
    import_cycles_three,
    json_import_with_attribute,
    live_bindings_export_let_aliases,
    minify_local_names_keep_meaning,
    minify_local_names_sloppy,
    minify_syntax_keeps_meaning,
    module_boundaries_asi_hashbang,
    module_this_undefined_strict,
    name_collisions_across_modules,
    namespace_object_shape,
    syntax_roundtrip_modern,
    tdz_across_cycle,
    top_level_await_imported,
    top_level_await_sibling_not_blocked,
    tree_shaking_keeps_side_effects,
    tree_shaking_side_effects_field,
    tree_shaking_unused_code,
    ts_enums_namespaces_type_elision,
    tsx_automatic_runtime_preact,
    tsx_automatic_runtime_react,
    tsx_classic_runtime_pragma,
    tsx_classic_runtime_tsconfig_factory,
}

const ENTRY_NAMES: &[&str] = &[
    "main.js", "main.mjs", "main.cjs", "main.jsx", "main.ts", "main.tsx",
];
const ALL_FORMATS: &[Format] = &[Format::Esm, Format::Cjs, Format::Iife];

#[test]
fn every_fixture_is_listed() {
    let on_disk: BTreeSet<String> = fs::read_dir(programs_dir())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", programs_dir().display()))
        .map(|entry| entry.expect("readable directory entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = LISTED.iter().map(|s| s.to_string()).collect();
    assert!(
        LISTED.windows(2).all(|pair| pair[0] < pair[1]),
        "keep the fixture_tests! list in tests/programs.rs sorted"
    );

    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "fixtures/programs and the fixture_tests! list in tests/programs.rs disagree\n  \
         folders not listed: {unlisted:?}\n  listed without a folder: {missing:?}"
    );
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Esm,
    Cjs,
    Iife,
}

impl Format {
    fn parse(word: &str) -> Option<Format> {
        match word {
            "esm" => Some(Format::Esm),
            "cjs" => Some(Format::Cjs),
            "iife" => Some(Format::Iife),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Esm => "esm",
            Format::Cjs => "cjs",
            Format::Iife => "iife",
        }
    }

    fn out_file(self) -> &'static str {
        match self {
            Format::Esm => "out.mjs",
            Format::Cjs => "out.cjs",
            Format::Iife => "out.js",
        }
    }
}

struct Fixture {
    name: String,
    dir: PathBuf,
    entry: PathBuf,
    formats: Vec<Format>,
    /// From the fixture's `args` file: passed to every `weft bundle`.
    extra_args: Vec<String>,
    /// From the fixture's `shaken` file: texts every bundle must contain
    /// (`true`) or must not (`false`).
    output_texts: Vec<(bool, String)>,
    /// The arguments of the minified run: `--minify`, or what the
    /// fixture's `minify` file says (lines starting with `#` explain why).
    minify_args: Vec<String>,
}

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("programs")
}

fn load_fixture(name: &str) -> Fixture {
    let dir = programs_dir().join(name);
    assert!(
        dir.is_dir(),
        "fixture folder {} does not exist",
        dir.display()
    );
    assert!(
        dir.join("package.json").is_file(),
        "fixture `{name}` has no package.json"
    );

    let entries: Vec<PathBuf> = ENTRY_NAMES
        .iter()
        .map(|entry| dir.join(entry))
        .filter(|path| path.is_file())
        .collect();
    let entry = match entries.as_slice() {
        [entry] => entry.clone(),
        [] => panic!("fixture `{name}` has no entry (one of {ENTRY_NAMES:?})"),
        _ => panic!("fixture `{name}` has more than one entry: {entries:?}"),
    };

    let formats = match read_words(&dir, "formats") {
        Some(words) => {
            let formats: Vec<Format> = words
                .iter()
                .map(|word| {
                    Format::parse(word).unwrap_or_else(|| {
                        panic!("fixture `{name}`: unknown format {word:?} in `formats`")
                    })
                })
                .collect();
            assert!(
                !formats.is_empty(),
                "fixture `{name}`: `formats` names no format"
            );
            formats
        }
        None => ALL_FORMATS.to_vec(),
    };
    let extra_args = read_words(&dir, "args").unwrap_or_default();
    let output_texts = match fs::read_to_string(dir.join("shaken")) {
        Ok(text) => text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                if let Some(text) = line.strip_prefix("present: ") {
                    (true, text.to_string())
                } else if let Some(text) = line.strip_prefix("absent: ") {
                    (false, text.to_string())
                } else {
                    panic!("fixture `{name}`: `shaken` lines start with `present: ` or `absent: `, not {line:?}")
                }
            })
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("cannot read {}: {e}", dir.join("shaken").display()),
    };

    let minify_args = match fs::read_to_string(dir.join("minify")) {
        Ok(text) => text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .flat_map(|line| line.split_whitespace().map(str::to_string))
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => vec!["--minify".to_string()],
        Err(e) => panic!("cannot read {}: {e}", dir.join("minify").display()),
    };

    Fixture {
        name: name.to_string(),
        dir,
        entry,
        formats,
        extra_args,
        output_texts,
        minify_args,
    }
}

/// The whitespace-separated words of an optional file of the fixture folder.
fn read_words(dir: &Path, file: &str) -> Option<Vec<String>> {
    match fs::read_to_string(dir.join(file)) {
        Ok(text) => Some(text.split_whitespace().map(str::to_string).collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => panic!("cannot read {}: {e}", dir.join(file).display()),
    }
}

fn run_program(name: &str) {
    let fixture = load_fixture(name);
    support::require_node();
    if let Err(message) = support::install_npm_packages(&fixture.dir) {
        panic!("fixture `{}`: {message}", fixture.name);
    }
    let expected = expected_stdout(&fixture);

    let failures: Vec<String> = fixture
        .formats
        .iter()
        .flat_map(|&format| [(format, false), (format, true)])
        .filter_map(|(format, minify)| check_format(&fixture, format, minify, &expected).err())
        .collect();
    support::report_failures(&fixture.name, fixture.formats.len() * 2, failures);
}

fn expected_stdout(fixture: &Fixture) -> String {
    let expected_file = fixture.dir.join("expected.txt");
    if expected_file.is_file() {
        return fs::read_to_string(&expected_file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", expected_file.display()));
    }

    let entry_name = fixture.entry.file_name().unwrap().to_string_lossy();
    assert!(
        [".js", ".mjs", ".cjs"]
            .iter()
            .any(|extension| entry_name.ends_with(extension)),
        "fixture `{}`: Node cannot run {entry_name} unbundled, so the fixture needs an expected.txt",
        fixture.name
    );
    support::node_expectation(&fixture.name, Path::new(&*entry_name), &fixture.dir)
}

/// Bundles the fixture in one format, runs the bundle under Node and compares.
/// The error is a readable report of what went wrong.
fn check_format(
    fixture: &Fixture,
    format: Format,
    minify: bool,
    expected: &str,
) -> Result<(), String> {
    // Pin CommonJS semantics for out.js whatever the ancestors of the temp dir
    // say, and turn off Node's ES-module syntax detection, which would
    // otherwise quietly run an iife that leaked `import`/`export` as ESM.
    let temp_files: &[(&str, &str)] = match format {
        Format::Iife => &[("package.json", "{\"type\":\"commonjs\"}\n")],
        Format::Esm | Format::Cjs => &[],
    };
    let mut weft_args = vec!["--format".to_string(), format.name().to_string()];
    weft_args.extend(fixture.extra_args.iter().cloned());
    let variant = if minify {
        weft_args.extend(fixture.minify_args.iter().cloned());
        format!("{}-minify", format.name())
    } else {
        format.name().to_string()
    };

    support::check_bundle(
        &BundleCheck {
            fixture: &fixture.name,
            variant: &variant,
            entry: &fixture.entry,
            cwd: &fixture.dir,
            out_file: format.out_file(),
            weft_args,
            temp_files,
            output_texts: &fixture.output_texts,
        },
        expected,
    )
}
