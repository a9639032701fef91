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
//! Each program is its own `#[test]` (listed in `fixture_tests!` below), and every
//! test reports all of its failing variants at once. `every_program_is_listed`
//! makes sure a new program cannot be forgotten. Set
//! `WEFT_KEEP_FAILED_BUNDLES` to keep the bundles of failing variants on disk
//! for a look.

#[macro_use]
mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use support::BundleCheck;

fixture_tests! {
    run_program:
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
    Variant {
        name: "esm-minify",
        out_file: "out.mjs",
        args: &["--format", "esm", "--minify"],
    },
    Variant {
        name: "cjs-minify",
        out_file: "out.cjs",
        args: &["--format", "cjs", "--minify"],
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
        "keep the fixture_tests! list in tests/ecosystem.rs sorted"
    );

    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "fixtures/ecosystem/programs and the fixture_tests! list in tests/ecosystem.rs disagree\n  \
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
            output_texts: &[],
        },
        expected,
    )
}

/// Components in the generated browser app.
const APP_COMPONENTS: usize = 600;

/// The shape of a large front end: JSX components in nested folders, each
/// importing React and about ten others, mounted with `react-dom/client`.
/// It is bundled for the browser (React's browser builds, `NODE_ENV`
/// defaulting to "development"), and the bundle runs under Node, where there
/// is no DOM to mount into: the app renders itself with `react-dom/server`'s
/// browser build instead.
#[test]
fn react_browser_app_bundles_and_runs() {
    support::require_node();
    install_packages();
    // Inside fixtures/ecosystem, so that the app finds its node_modules.
    let app = tempfile::Builder::new()
        .prefix("generated-app-")
        .tempdir_in(ecosystem_dir())
        .expect("a temporary folder in fixtures/ecosystem");
    let dir = app.path();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut below = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let path = |i: usize| format!("src/g{}/c{}/C{i}.jsx", i / 100, (i / 10) % 10);
    for i in 0..APP_COMPONENTS {
        let mut deps: Vec<usize> = (0..10)
            .filter(|_| i + 1 < APP_COMPONENTS)
            .map(|_| i + 1 + below(APP_COMPONENTS - i - 1))
            .collect();
        deps.sort_unstable();
        deps.dedup();
        let mut source = String::from("import React, { useState } from 'react';\n");
        for d in &deps {
            source.push_str(&format!("import C{d} from '../../../{}';\n", path(*d)));
        }
        let children: String = deps
            .iter()
            .take(2)
            .map(|d| format!("{{depth > 0 && <C{d} depth={{depth - 1}} />}}"))
            .collect();
        source.push_str(&format!(
            "export default function C{i}({{ depth }}) {{\n  const [n] = useState({i});\n  \
             return <div className=\"c{i}\">{{n}}{children}</div>;\n}}\n"
        ));
        let file = dir.join(path(i));
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, source).unwrap();
    }
    fs::write(
        dir.join("src/main.jsx"),
        "import { createRoot } from 'react-dom/client';\n\
         import { renderToString } from 'react-dom/server';\n\
         import C0 from './g0/c0/C0.jsx';\n\
         const root = typeof document === 'undefined' ? null : document.getElementById('root');\n\
         if (root) createRoot(root).render(<C0 depth={3} />);\n\
         else console.log(typeof createRoot, renderToString(<C0 depth={2} />).slice(0, 30));\n\
         // React's browser scheduler keeps a MessageChannel open.\n\
         if (!root) process.exit(0);\n",
    )
    .unwrap();

    let out = dir.join("app.js");
    let bundled = support::run_weft(
        &[
            "bundle".into(),
            "src/main.jsx".into(),
            "-o".into(),
            out.clone().into(),
            "--log-level".into(),
            "error".into(),
        ],
        dir,
    )
    .expect("weft runs");
    assert!(
        bundled.success(),
        "the browser build failed:\n{}",
        support::truncate(&bundled.stderr)
    );
    let ran = support::run(
        support::node_command(&out).current_dir(dir),
        support::NODE_TIMEOUT,
    )
    .expect("node runs");
    assert!(
        ran.success(),
        "the bundle failed under node:\n{}",
        support::truncate(&ran.stderr)
    );
    assert!(
        ran.stdout
            .starts_with("function <div class=\"c0\">0<div class=\"c"),
        "unexpected output: {}",
        ran.stdout
    );
}
