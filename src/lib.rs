//! weft: a parallel JavaScript/TypeScript bundler whose output behaves like
//! the unbundled program does under Node's own module loader.
//!
//! The build is a pipeline of stages, one module each:
//! [`load`] (discover, parse and analyze modules on worker threads) →
//! [`graph`] (execution order, cycles) → [`link`] (bind imports, rename) →
//! [`emit`] (rewrite and print in parallel, wrap, write atomically).
//!
//! ```no_run
//! use weft::{build, BuildOptions, Format};
//!
//! let mut options = BuildOptions::new("src/main.ts", "dist/app.js");
//! options.format = Format::Esm;
//! match build(&options) {
//!     Ok(output) => println!("wrote {} file(s)", output.files.len()),
//!     Err(diagnostics) => eprint!("{}", diagnostics.render(&options.cwd)),
//! }
//! ```

pub mod diagnostics;
pub mod emit;
pub mod graph;
pub mod link;
pub mod load;
pub mod options;
pub mod scan;

use std::path::PathBuf;

use swc_common::Globals;

pub use diagnostics::{Diagnostic, Diagnostics, Location};
pub use options::{BuildOptions, Format, LogLevel, OutputTarget, Platform};

/// One file a build produced.
#[derive(Clone, Debug)]
pub struct OutputFile {
    pub path: PathBuf,
    pub contents: String,
}

/// What a successful build produced.
#[derive(Clone, Debug, Default)]
pub struct BuildOutput {
    pub files: Vec<OutputFile>,
    /// Every input file the build read, sorted: what a `build.rs` passes to
    /// `cargo:rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
}

/// Runs a build. On failure nothing is written and every problem found is
/// returned.
pub fn build(options: &BuildOptions) -> Result<BuildOutput, Diagnostics> {
    options.validate()?;
    let globals = Globals::new();
    let mut output = BuildOutput::default();
    let mut problems = Diagnostics::default();
    // Each entry point is its own chunk: no code is shared between outputs.
    for (entry, path) in options.entries.iter().zip(options.output_paths()) {
        match bundle(options, entry, &globals) {
            Ok((contents, inputs)) => {
                output.files.push(OutputFile { path, contents });
                output.inputs.extend(inputs);
            }
            Err(d) => problems.extend(d),
        }
    }
    problems.into_result(())?;
    output.inputs.sort();
    output.inputs.dedup();

    if options.write {
        let files: Vec<(PathBuf, &str)> = output
            .files
            .iter()
            .map(|f| (f.path.clone(), f.contents.as_str()))
            .collect();
        emit::write::write_all(&files)?;
    }
    Ok(output)
}

/// load → graph → link → emit for one entry point.
fn bundle(
    options: &BuildOptions,
    entry: &std::path::Path,
    globals: &Globals,
) -> Result<(String, Vec<PathBuf>), Diagnostics> {
    let single = BuildOptions {
        entries: vec![entry.to_path_buf()],
        ..options.clone()
    };
    let loaded = load::load(&single, globals)?;
    let mut graph = graph::ModuleGraph::new(loaded.modules, loaded.entries);
    let inputs = graph.modules.iter().map(|m| m.path.clone()).collect();
    let asts = graph
        .modules
        .iter_mut()
        .map(|m| std::mem::take(&mut m.ast))
        .collect();

    // Export resolution follows re-export chains recursively; a thread with
    // a large stack keeps deep chains from overflowing.
    let code = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(scope, || {
                let link = link::link(&graph, &single)?;
                Ok::<_, Diagnostics>(emit::emit(&graph, asts, &link, &single))
            })
            .expect("the link thread starts")
            .join()
            .unwrap_or_else(|_| Err(Diagnostic::error("internal error while linking").into()))
    })?;
    Ok((code, inputs))
}
