//! How fast swc and oxc parse, and parse and print, three.js's sources on
//! one thread: every `.js` file of `three/src`, read into memory first, then
//! 3 warm-up passes and 15 timed ones, each over every file, dropping every
//! tree and output inside the pass. Prints the best and median pass and the
//! throughput in MB/s of source, and checks that both parse every file.
//!
//! `cargo run --release --manifest-path benches/parsers/Cargo.toml [SRC_DIR]`

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes_str::BytesStr;
use swc_common::{comments::SingleThreadedComments, sync::Lrc, FileName, SourceMap, GLOBALS};
use swc_ecma_ast::EsVersion;
use swc_ecma_codegen::{text_writer::JsWriter, Emitter};
use swc_ecma_parser::{lexer::Lexer, EsSyntax, Parser, StringInput, Syntax};

const WARM_UP: usize = 3;
const PASSES: usize = 15;

struct Input {
    name: String,
    text: String,
    /// The same text, shared with swc's source file without a copy.
    shared: BytesStr,
}

/// What one pass saw: parse errors and printed bytes, the same every pass.
#[derive(Default, Clone, Copy, PartialEq, Debug)]
struct Pass {
    errors: usize,
    printed: usize,
}

fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

/// swc as weft uses it: a source map per file, comments collected.
fn swc_file(input: &Input, print: bool, pass: &mut Pass) {
    let cm: Lrc<SourceMap> = Default::default();
    let file = cm.new_source_file(
        Lrc::new(FileName::Custom(input.name.clone())),
        input.shared.clone(),
    );
    let comments = SingleThreadedComments::default();
    let lexer = Lexer::new(
        Syntax::Es(EsSyntax::default()),
        EsVersion::latest(),
        StringInput::from(&*file),
        Some(&comments),
    );
    let mut parser = Parser::new_from(lexer);
    let parsed = parser.parse_module();
    pass.errors += parser.take_errors().len();
    let Ok(module) = parsed else {
        pass.errors += 1;
        return;
    };
    if print {
        let mut code: Vec<u8> = Vec::with_capacity(input.text.len());
        let mut emitter = Emitter {
            cfg: swc_ecma_codegen::Config::default().with_target(EsVersion::latest()),
            cm: cm.clone(),
            comments: Some(&comments),
            wr: JsWriter::new(cm.clone(), "\n", &mut code, None),
        };
        emitter.emit_module(&module).expect("printing to memory");
        pass.printed += code.len();
    }
}

/// oxc with an arena per file, printing comments as it does by default.
fn oxc_file(input: &Input, print: bool, pass: &mut Pass) {
    let arena = oxc_allocator::Allocator::default();
    let parsed = oxc_parser::Parser::new(&arena, &input.text, oxc_span::SourceType::mjs()).parse();
    if parsed.panicked || parsed.diagnostics.has_errors() {
        pass.errors += parsed.diagnostics.errors().count().max(1);
    }
    if print {
        pass.printed += oxc_codegen::Codegen::new()
            .build(&parsed.program)
            .code
            .len();
    }
}

fn run(inputs: &[Input], file: fn(&Input, bool, &mut Pass), print: bool) -> Pass {
    let mut pass = Pass::default();
    for input in inputs {
        file(input, print, &mut pass);
    }
    pass
}

/// The sorted pass times and what the passes saw.
fn measure(mut pass: impl FnMut() -> Pass) -> (Vec<Duration>, Pass) {
    let first = pass();
    for _ in 1..WARM_UP {
        assert_eq!(pass(), first, "every pass sees the same");
    }
    let mut times: Vec<Duration> = (0..PASSES)
        .map(|_| {
            let start = Instant::now();
            assert_eq!(pass(), first, "every pass sees the same");
            start.elapsed()
        })
        .collect();
    times.sort();
    (times, first)
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/three/node_modules/three/src".into());
    let mut paths = Vec::new();
    js_files(Path::new(&dir), &mut paths);
    paths.sort();
    let inputs: Vec<Input> = paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("readable UTF-8 source");
            Input {
                name: path.display().to_string(),
                shared: BytesStr::from(text.clone()),
                text,
            }
        })
        .collect();
    let bytes: usize = inputs.iter().map(|i| i.text.len()).sum();
    println!(
        "{} files, {:.2} MB; best and median of {PASSES} passes after {WARM_UP}",
        inputs.len(),
        bytes as f64 / 1e6
    );
    let mb_per_s = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
    GLOBALS.set(&Default::default(), || {
        for (task, print) in [("parse", false), ("parse + print", true)] {
            let mut best = Vec::new();
            for (name, file) in [("swc", swc_file as fn(&Input, bool, &mut Pass)), ("oxc", oxc_file)] {
                let (times, pass) = measure(|| run(&inputs, file, print));
                let (fastest, median) = (times[0], times[PASSES / 2]);
                println!(
                    "{name} {task:<14} best {:7.2} ms {:6.1} MB/s   median {:7.2} ms {:6.1} MB/s   errors {}   printed {} bytes",
                    fastest.as_secs_f64() * 1e3,
                    mb_per_s(fastest),
                    median.as_secs_f64() * 1e3,
                    mb_per_s(median),
                    pass.errors,
                    pass.printed,
                );
                best.push(fastest);
            }
            println!(
                "oxc / swc, {task}: {:.2} times as fast",
                best[0].as_secs_f64() / best[1].as_secs_f64()
            );
        }
    });
}
