//! The same inputs give the same bytes, whatever `--threads` is.
//!
//! A program of 400 generated ES modules (nested folders, cross imports,
//! barrels with `export *`, namespace and default imports, re-exports, a
//! `helper` and a `value` in every module, import cycles, CommonJS modules
//! imported by ES modules and requiring each other and ES modules) is bundled
//! with 1, 2 and 8 threads in each output format, and without the pre-scan,
//! and the outputs must be identical. The ES module output must also print
//! what the unbundled program prints under Node.

mod support;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::write_file as write;

const MODULES: usize = 400;
const PER_FOLDER: usize = 10;
const FOLDERS: usize = MODULES / PER_FOLDER;
const THREADS: [&str; 4] = ["1", "2", "8", "8"];
const FORMATS: [&str; 3] = ["esm", "cjs", "iife"];

fn describe(out: &Output) -> String {
    format!(
        "exit status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn weft(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("failed to run the weft binary");
    assert!(
        out.status.success(),
        "weft {} failed\n{}",
        args.join(" "),
        describe(&out)
    );
}

fn node(dir: &Path, script: &str) -> String {
    let out = Command::new("node")
        .arg(script)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("could not run `node` (is Node.js installed and on PATH?): {e}")
        });
    assert!(
        out.status.success(),
        "node {script} failed\n{}",
        describe(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A small deterministic generator (xorshift64*), so the program is the same
/// on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `src/d{a}/e{b}/m{c}.js` for module `i`.
fn module_path(i: usize) -> String {
    format!("src/d{}/e{}/m{}.js", i / 100, (i / 10) % 10, i % 10)
}

/// The specifier by which module `from` imports module `to`.
fn specifier(from: usize, to: usize) -> String {
    if from / PER_FOLDER == to / PER_FOLDER {
        format!("./m{}.js", to % 10)
    } else {
        format!("../../d{}/e{}/m{}.js", to / 100, (to / 10) % 10, to % 10)
    }
}

/// The barrel of folder `f`, as imported from a module in another folder.
fn barrel_specifier(f: usize) -> String {
    format!("../../d{}/e{}/index.js", f / 10, f % 10)
}

/// Modules 3, 4 and 5 of every fourth folder form an import cycle
/// (3 → 4 → 5 → 3) through hoisted function declarations only.
fn cycle_next(i: usize) -> Option<usize> {
    if (i / PER_FOLDER) % 4 != 1 {
        return None;
    }
    match i % 10 {
        3 | 4 => Some(i + 1),
        5 => Some(i - 2),
        _ => None,
    }
}

/// Module `i` reads top-level values only from modules with a lower index
/// outside its own cycle, so evaluation order never reaches a binding before
/// its initialization.
fn module_source(i: usize, rng: &mut Rng) -> String {
    let folder = i / PER_FOLDER;
    let cycle_start = if cycle_next(i).is_some() {
        i - (i % 10 - 3)
    } else {
        i
    };
    // Modules this one may read at top level.
    let lower = cycle_start;
    let mut src = String::new();
    let mut terms: Vec<String> = vec![format!("{}", i + 1)];
    let mut calls_down: Option<usize> = None;

    writeln!(src, "// module {i}").unwrap();
    if lower > 0 {
        let j1 = rng.below(lower);
        let j3 = rng.below(lower);
        let j4 = rng.below(lower);
        writeln!(
            src,
            "import {{ v{j1}, f{j1} }} from '{}';",
            specifier(i, j1)
        )
        .unwrap();
        writeln!(src, "import * as ns from '{}';", specifier(i, j3)).unwrap();
        writeln!(src, "import dflt from '{}';", specifier(i, j4)).unwrap();
        terms.push(format!("v{j1}"));
        terms.push(format!("ns.v{j3}"));
        terms.push("dflt()".to_string());
        if i.is_multiple_of(7) {
            // Use the namespace as an object, not only through `ns.x`.
            terms.push("Object.keys(ns).length".to_string());
        }
        calls_down = Some(j1);
    }
    if folder > 0 {
        let g = rng.below(folder);
        let j2 = g * PER_FOLDER + rng.below(PER_FOLDER);
        writeln!(
            src,
            "import {{ v{j2} as fromBarrel }} from '{}';",
            barrel_specifier(g)
        )
        .unwrap();
        terms.push("fromBarrel".to_string());
    }
    if let Some(next) = cycle_next(i) {
        writeln!(src, "import {{ cyc{next} }} from '{}';", specifier(i, next)).unwrap();
    }
    if has_commonjs(i) {
        writeln!(src, "import cjs{i}, {{ w{i} }} from './c{}.cjs';", i % 10).unwrap();
        terms.push(format!("w{i}"));
        terms.push(format!("cjs{i}.g{i}(3)"));
    }

    let mult = 31 + rng.below(200);
    writeln!(src).unwrap();
    writeln!(src, "let counter = 0;").unwrap();
    writeln!(src, "function helper(x) {{").unwrap();
    writeln!(src, "  counter += 1;").unwrap();
    writeln!(src, "  return (x * {mult} + {i}) % 10007;").unwrap();
    writeln!(src, "}}").unwrap();
    writeln!(src, "class Item {{").unwrap();
    writeln!(src, "  constructor(n) {{ this.n = n; }}").unwrap();
    writeln!(src, "  get double() {{ return this.n * 2; }}").unwrap();
    writeln!(src, "}}").unwrap();
    writeln!(src, "const value = helper({});", terms.join(" + ")).unwrap();
    writeln!(src).unwrap();
    writeln!(src, "export const v{i} = value;").unwrap();
    writeln!(src, "export function f{i}(x) {{").unwrap();
    match calls_down {
        Some(j) => writeln!(
            src,
            "  return x <= 0 ? value : (helper(x) + f{j}(x - 1)) % 10007;"
        )
        .unwrap(),
        None => writeln!(src, "  return (helper(x) + value) % 10007;").unwrap(),
    }
    writeln!(src, "}}").unwrap();
    writeln!(src, "export {{ helper as h{i} }};").unwrap();
    writeln!(
        src,
        "export default function () {{ return new Item(value).double % 10007; }}"
    )
    .unwrap();
    if i > 0 {
        let j5 = rng.below(i);
        writeln!(
            src,
            "export {{ v{j5} as r{i} }} from '{}';",
            specifier(i, j5)
        )
        .unwrap();
    }
    if let Some(next) = cycle_next(i) {
        writeln!(src, "export function cyc{i}(n) {{").unwrap();
        writeln!(
            src,
            "  return n <= 0 ? {i} : (cyc{next}(n - 1) * 3 + helper(n)) % 10007;"
        )
        .unwrap();
        writeln!(src, "}}").unwrap();
    }
    src
}

/// Modules with a CommonJS companion `c<n>.cjs`, which requires the
/// companion of an earlier module in its folder (if any) and an ES module
/// leaf `l<n>.mjs`.
fn has_commonjs(i: usize) -> bool {
    i % 6 == 1
}

fn commonjs_source(i: usize) -> String {
    let earlier = (i - i % 10..i).rev().find(|&k| has_commonjs(k));
    let dep = match earlier {
        Some(k) => format!("require('./c{}.cjs').w{k}", k % 10),
        None => "0".to_string(),
    };
    format!(
        "// CommonJS companion of module {i}\n\
         const leaf = require('./l{n}.mjs');\n\
         exports.w{i} = ({dep} + leaf.default + leaf.k) % 10007;\n\
         module.exports.g{i} = function (x) {{ return (x * {i} + this.w{i}) % 10007; }};\n",
        n = i % 10
    )
}

fn generate_program(dir: &Path) {
    let mut rng = Rng(0x5EED_5EED_5EED_5EED);
    write(
        dir,
        "package.json",
        "{\"type\":\"module\",\"private\":true}\n",
    );
    for i in 0..MODULES {
        write(dir, &module_path(i), &module_source(i, &mut rng));
        if has_commonjs(i) {
            let folder = module_path(i);
            let folder = folder.rsplit_once('/').unwrap().0;
            write(
                dir,
                &format!("{folder}/c{}.cjs", i % 10),
                &commonjs_source(i),
            );
            write(
                dir,
                &format!("{folder}/l{}.mjs", i % 10),
                &format!("export const k = {i};\nexport default {};\n", i * 3),
            );
        }
    }
    for f in 0..FOLDERS {
        let mut barrel = String::new();
        for m in 0..PER_FOLDER {
            writeln!(barrel, "export * from './m{m}.js';").unwrap();
        }
        write(
            dir,
            &format!("src/d{}/e{}/index.js", f / 10, f % 10),
            &barrel,
        );
    }
    for d in 0..FOLDERS / 10 {
        let mut barrel = String::new();
        for e in 0..10 {
            writeln!(barrel, "export * from './e{e}/index.js';").unwrap();
        }
        write(dir, &format!("src/d{d}/index.js"), &barrel);
    }
    let mut top = String::new();
    for d in 0..FOLDERS / 10 {
        writeln!(top, "export * from './d{d}/index.js';").unwrap();
    }
    write(dir, "src/index.js", &top);

    let last = MODULES - 1;
    let main = format!(
        "import * as all from './src/index.js';
import last, {{ f{last} }} from './{}';
import {{ v0 }} from './src/d0/e0/m0.js';

const M = 1000000007;
let sum = 0;
const names = Object.keys(all);
for (const name of names) {{
  const x = all[name];
  const y = typeof x === 'function' ? x(7) : x;
  if (!Number.isInteger(y)) throw new Error(`${{name}} gave ${{y}}`);
  sum = (sum * 31 + y) % M;
}}
sum = (sum * 31 + last() + f{last}(3) + v0) % M;
console.log(`checksum ${{names.length}} ${{sum}}`);
",
        module_path(last)
    );
    write(dir, "main.js", &main);
}

fn assert_same_bytes(outputs: &[(String, Vec<u8>)]) {
    let (first_name, first) = &outputs[0];
    assert!(!first.is_empty(), "{first_name} is empty");
    for (name, bytes) in &outputs[1..] {
        if bytes != first {
            let at = first
                .iter()
                .zip(bytes.iter())
                .position(|(a, b)| a != b)
                .unwrap_or(first.len().min(bytes.len()));
            let from = at.saturating_sub(200);
            panic!(
                "{name} differs from {first_name} at byte {at} (sizes {} and {})\n\
                 --- {first_name} ---\n{}\n--- {name} ---\n{}",
                first.len(),
                bytes.len(),
                String::from_utf8_lossy(&first[from..(at + 200).min(first.len())]),
                String::from_utf8_lossy(&bytes[from..(at + 200).min(bytes.len())]),
            );
        }
    }
}

#[test]
fn many_modules_bundle_identically_with_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    generate_program(dir);

    // Bundles into `outfile` with `extra` flags: the file name and bytes.
    let bundle = |format: &str, outfile: String, extra: &[&str]| {
        let mut args = vec!["bundle", "main.js", "--format", format, "-o", &outfile];
        args.extend(extra);
        weft(dir, &args);
        let bytes = fs::read(dir.join(&outfile)).unwrap();
        (outfile, bytes)
    };
    for format in FORMATS {
        let mut outputs: Vec<_> = THREADS
            .iter()
            .enumerate()
            .map(|(run, threads)| {
                let outfile = format!("out-{format}-{run}-t{threads}.js");
                bundle(format, outfile, &["--threads", threads])
            })
            .collect();
        // Discovery by parsing alone finds the same graph.
        let outfile = format!("out-{format}-no-prescan.js");
        outputs.push(bundle(format, outfile, &["--no-prescan"]));
        assert_same_bytes(&outputs);

        // Minified, names are given once for the chunk and locals module by
        // module: the same bytes too (one format is enough; the minifier
        // sees the same modules in each).
        if format != "esm" {
            continue;
        }
        let minified: Vec<_> = THREADS
            .iter()
            .enumerate()
            .map(|(run, threads)| {
                let outfile = format!("min-{format}-{run}-t{threads}.js");
                bundle(format, outfile, &["--minify", "--threads", threads])
            })
            .collect();
        assert_same_bytes(&minified);
    }

    let expected = node(dir, "main.js");
    assert!(
        expected.starts_with("checksum ") && expected.lines().count() == 1,
        "unexpected output from the unbundled program: {expected:?}"
    );
    let bundled = node(dir, "out-esm-0-t1.js");
    assert_eq!(bundled, expected, "the bundle prints something else");
    let bundled = node(dir, "min-esm-0-t1.js");
    assert_eq!(
        bundled, expected,
        "the minified bundle prints something else"
    );
}

#[test]
fn demo_bundles_identically_with_any_thread_count() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let mut outputs = Vec::new();
        for (run, threads) in THREADS.iter().enumerate() {
            let outfile = tmp
                .path()
                .join(format!("demo-{format}-{run}-t{threads}.js"));
            weft(
                &root,
                &[
                    "bundle",
                    "fixtures/demo/src/main.ts",
                    "--format",
                    format,
                    "--threads",
                    threads,
                    "-o",
                    outfile.to_str().unwrap(),
                ],
            );
            outputs.push((outfile.display().to_string(), fs::read(&outfile).unwrap()));
        }
        assert_same_bytes(&outputs);
    }
}
