//! Real npm packages, bundled for Node; Node is the oracle.
//!
//! `fixtures/ecosystem/` is one npm project: a `package.json` with exact
//! versions and its `package-lock.json` (the packages are installed here with
//! `npm ci` when `node_modules` is missing). Each file of its `programs/`
//! folder is a small program that does real work with one package or a
//! natural pair of them: `<name>.mjs` imports them, `<name>.cjs` requires
//! them. Node runs the program unbundled for the expected stdout. weft bundles
//! it with `--platform node` in every variant of [`VARIANTS`], Node runs each
//! bundle from a temporary directory (so nothing can come from `node_modules`
//! at run time), and the stdout and exit status must match exactly.
//!
//! Each program is its own `#[test]` (listed in `programs!` below), and every
//! test reports all of its failing variants at once. `every_program_is_listed`
//! makes sure a new program cannot be forgotten. Set
//! `WEFT_KEEP_FAILED_BUNDLES` to keep the bundles of failing variants on disk
//! for a look.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use support::BundleCheck;

macro_rules! programs {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        /// Every program that has a test of its own.
        const LISTED: &[&str] = &[$(stringify!($name)),*];

        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                run_program(stringify!($name));
            }
        )*
    };
}

programs! {
    axios,
    chalk,
    cjs_lodash_semver_yaml,
    cjs_moment_handlebars,
    cjs_react_dom_server,
    d3,
    date_fns,
    graphql,
    handlebars,
    immer,
    lodash,
    lodash_es,
    marked,
    mobx,
    moment,
    preact_render_to_string,
    react_dom_server,
    rxjs,
    semver,
    three,
    vue_server_renderer,
    yaml,
    zod,
}

/// One way of bundling every program.
struct Variant {
    /// Names the variant in reports.
    name: &'static str,
    /// The bundle's file name; its extension tells Node how to load it.
    out_file: &'static str,
    /// The `weft bundle` arguments that make this variant, after
    /// [`PLATFORM_ARGS`].
    args: &'static [&'static str],
}

/// Every program is bundled in each of these variants. A minified variant of
/// each format goes here once `weft bundle` has a `--minify` flag.
const VARIANTS: &[Variant] = &[
    Variant {
        name: "esm",
        out_file: "out.mjs",
        args: &["--format", "esm"],
    },
    Variant {
        name: "cjs",
        out_file: "out.cjs",
        args: &["--format", "cjs"],
    },
];

/// The programs run under Node, so packages resolve with Node's conditions
/// and Node's built-ins stay imports.
const PLATFORM_ARGS: &[&str] = &["--platform", "node"];

/// The file extensions of programs: ES modules and CommonJS modules.
const PROGRAM_EXTENSIONS: &[&str] = &["mjs", "cjs"];

#[test]
fn every_program_is_listed() {
    let mut on_disk = BTreeSet::new();
    let mut strays = Vec::new();
    for entry in fs::read_dir(programs_dir())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", programs_dir().display()))
    {
        let path = entry.expect("readable directory entry").path();
        let is_program = path
            .extension()
            .is_some_and(|extension| PROGRAM_EXTENSIONS.iter().any(|p| extension == *p));
        match path.file_stem() {
            Some(stem) if is_program && path.is_file() => {
                on_disk.insert(stem.to_string_lossy().into_owned());
            }
            _ => strays.push(path),
        }
    }
    assert!(
        strays.is_empty(),
        "fixtures/ecosystem/programs holds only programs (.mjs or .cjs files), not {strays:?}"
    );
    let listed: BTreeSet<String> = LISTED.iter().map(|s| s.to_string()).collect();
    assert!(
        LISTED.windows(2).all(|pair| pair[0] < pair[1]),
        "keep the programs! list in tests/ecosystem.rs sorted"
    );

    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "fixtures/ecosystem/programs and the programs! list in tests/ecosystem.rs disagree\n  \
         programs not listed: {unlisted:?}\n  listed without a program: {missing:?}"
    );
}

fn ecosystem_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("ecosystem")
}

fn programs_dir() -> PathBuf {
    ecosystem_dir().join("programs")
}

/// The program's path relative to `fixtures/ecosystem`, where both Node and
/// weft run: `programs/<name>.mjs` or `programs/<name>.cjs`.
fn program_path(name: &str) -> PathBuf {
    let candidates: Vec<PathBuf> = PROGRAM_EXTENSIONS
        .iter()
        .map(|extension| Path::new("programs").join(format!("{name}.{extension}")))
        .filter(|path| ecosystem_dir().join(path).is_file())
        .collect();
    match candidates.as_slice() {
        [path] => path.clone(),
        [] => panic!("program `{name}` has no file programs/{name}.mjs or programs/{name}.cjs"),
        _ => panic!("program `{name}` has more than one file: {candidates:?}"),
    }
}

/// Installs the packages once per test binary; the tests that start while
/// `npm ci` runs wait for it.
fn install_packages() {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let installed = INSTALLED.get_or_init(|| support::install_npm_packages(&ecosystem_dir()));
    if let Err(message) = installed {
        panic!("fixtures/ecosystem: {message}");
    }
}

fn run_program(name: &str) {
    let program = program_path(name);
    support::require_node();
    install_packages();
    let expected = support::node_expectation(name, &program, &ecosystem_dir());

    let failures: Vec<String> = VARIANTS
        .iter()
        .filter_map(|variant| check_variant(name, &program, variant, &expected).err())
        .collect();
    support::report_failures(name, VARIANTS.len(), failures);
}

fn check_variant(
    name: &str,
    program: &Path,
    variant: &Variant,
    expected: &str,
) -> Result<(), String> {
    let weft_args = PLATFORM_ARGS
        .iter()
        .chain(variant.args)
        .map(|arg| arg.to_string())
        .collect();
    support::check_bundle(
        &BundleCheck {
            fixture: name,
            variant: variant.name,
            entry: program,
            cwd: &ecosystem_dir(),
            out_file: variant.out_file,
            weft_args,
            temp_files: &[],
        },
        expected,
    )
}
