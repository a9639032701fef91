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

pub mod depgraph;
pub mod diagnostics;
pub mod emit;
pub mod graph;
pub mod link;
pub mod load;
pub mod metafile;
pub mod options;
pub mod scan;
pub mod timing;

use std::path::PathBuf;
use std::time::Instant;

use swc_common::Globals;

pub use depgraph::{dependency_graph, DependencyGraph};
pub use diagnostics::{Diagnostic, Diagnostics, Location};
pub use options::{
    BuildOptions, Format, LegalComments, LogLevel, OutputTarget, Platform, SourceMaps, Target,
};
pub use timing::Timing;

/// One file a build produced.
#[derive(Clone, Debug)]
pub struct OutputFile {
    pub path: PathBuf,
    pub contents: String,
    pub kind: OutputKind,
}

/// What an output file is, for the messages that name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// The bundle of this entry point.
    Bundle(PathBuf),
    SourceMap,
    LegalComments,
    Metafile,
}

/// What a successful build produced.
#[derive(Clone, Debug, Default)]
pub struct BuildOutput {
    pub files: Vec<OutputFile>,
    /// Every input file the build read, sorted: what a `build.rs` passes to
    /// `cargo:rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
    /// Where the time went, stage by stage (`--timing`).
    pub timing: Timing,
    /// What the build worked around, by file, line and column.
    pub warnings: Diagnostics,
}

/// Memory a build no longer needs: the modules' trees once printed, the
/// graph and the link once the chunk is assembled. Freeing it walks every
/// tree, so it is done on a thread of its own, which the build does not
/// wait for: it overlaps writing the output, and the caller's next steps.
#[derive(Default)]
pub struct Leftovers(Vec<Box<dyn Send>>);

impl Leftovers {
    pub fn keep<T: Send + 'static>(&mut self, value: T) {
        self.0.push(Box::new(value));
    }

    fn extend(&mut self, other: Leftovers) {
        self.0.extend(other.0);
    }

    /// Frees everything on another thread.
    fn free_in_background(self) {
        if !self.0.is_empty() {
            std::thread::spawn(move || drop(self));
        }
    }
}

/// Runs a build. On failure nothing is written and every problem found is
/// returned.
pub fn build(options: &BuildOptions) -> Result<BuildOutput, Diagnostics> {
    run(options, Leftovers::free_in_background)
}

/// [`build`] for a process that exits once the build is done, as the
/// command line does: the memory the build is finished with is not freed,
/// since the exit hands it all back at once. Freeing it walks every tree,
/// and while the thread doing that runs, the exit's unmapping has to reach
/// the other core too.
pub fn build_before_exit(options: &BuildOptions) -> Result<BuildOutput, Diagnostics> {
    run(options, std::mem::forget)
}

/// A build, with what to do with the memory it no longer needs.
fn run(options: &BuildOptions, dispose: fn(Leftovers)) -> Result<BuildOutput, Diagnostics> {
    let started = Instant::now();
    options.validate()?;
    let globals = Globals::new();
    let mut output = BuildOutput::default();
    let mut problems = Diagnostics::default();
    let mut leftovers = Leftovers::default();
    let mut metafile = options
        .metafile
        .as_ref()
        .map(|_| metafile::Metafile::default());
    // Each entry point is its own chunk: no code is shared between outputs.
    for (entry, path) in options.entries.iter().zip(options.output_paths()) {
        match bundle(options, entry, &path, &globals, metafile.as_mut()) {
            Ok(chunk) => {
                output.warnings.extend(chunk.warnings);
                leftovers.extend(chunk.spent);
                output.files.extend(chunk.files);
                output.inputs.extend(chunk.inputs);
                output.timing.merge(&chunk.timing);
            }
            Err(d) => problems.extend(d),
        }
    }
    dispose(leftovers);
    if problems.has_errors() {
        // The entries that did build warn of what they worked around.
        problems.extend(std::mem::take(&mut output.warnings));
    }
    problems.into_result(())?;
    output.warnings.sort();
    output.inputs.sort();
    output.inputs.dedup();
    if let (Some(path), Some(metafile)) = (&options.metafile, metafile) {
        output.files.push(OutputFile {
            path: options.absolute(path),
            contents: metafile.to_json(),
            kind: OutputKind::Metafile,
        });
    }

    if options.write {
        let writing = Instant::now();
        emit::write::write_all(&output.files, &output.inputs, &options.cwd)?;
        output
            .timing
            .add_serial(timing::Stage::Write, writing.elapsed());
    }
    output.timing.total = started.elapsed();
    Ok(output)
}

/// One entry's chunk: its files, what it read, and what it warns of.
struct Bundled {
    files: Vec<OutputFile>,
    inputs: Vec<PathBuf>,
    timing: Timing,
    spent: Leftovers,
    warnings: Diagnostics,
}

/// load → graph → link → emit for one entry point.
fn bundle(
    options: &BuildOptions,
    entry: &std::path::Path,
    output: &std::path::Path,
    globals: &Globals,
    metafile: Option<&mut metafile::Metafile>,
) -> Result<Bundled, Diagnostics> {
    let single = BuildOptions {
        entries: vec![entry.to_path_buf()],
        ..options.clone()
    };
    let loaded = load::load(&single, globals)?;
    let mut timing = loaded.timing;
    let warnings = loaded.warnings;
    let mut leftovers = loaded.spent;
    let mut graph = graph::ModuleGraph::new(loaded.modules, loaded.entries);
    let mut inputs: Vec<PathBuf> = graph.modules.iter().map(|m| m.path.clone()).collect();
    let asts = graph
        .modules
        .iter_mut()
        .map(|m| std::mem::take(&mut m.ast))
        .collect();

    // Export resolution follows re-export chains recursively; a thread with
    // a large stack keeps deep chains from overflowing.
    let (mut emitted, link, link_time) = std::thread::scope(|scope| {
        let linked = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(scope, || {
                let linking = Instant::now();
                let link = link::link(&graph, &single)?;
                let link_time = linking.elapsed();
                let emitted = emit::emit(&graph, asts, &link, &single, globals, output);
                Ok::<_, Diagnostics>((emitted, link, link_time))
            })
            .expect("the link thread starts");
        // Meanwhile, the list of inputs is put in order.
        inputs.sort_unstable();
        linked
            .join()
            .unwrap_or_else(|_| Err(Diagnostic::error("internal error while linking").into()))
    })?;
    timing.add_serial(timing::Stage::Link, link_time);
    timing.add(timing::Stage::Emit, emitted.time);
    if let Some(metafile) = metafile {
        metafile.add(&graph, &emitted, output, emitted.code.len(), &options.cwd);
    }
    leftovers.extend(std::mem::take(&mut emitted.spent));
    leftovers.keep(graph);
    leftovers.keep(link);
    let mut files = vec![OutputFile {
        path: output.to_path_buf(),
        contents: emitted.code,
        kind: OutputKind::Bundle(entry.to_path_buf()),
    }];
    // The source map and the legal comments sit next to the bundle.
    for (suffix, contents, kind) in [
        (".map", emitted.map_file, OutputKind::SourceMap),
        (".LEGAL.txt", emitted.legal_file, OutputKind::LegalComments),
    ] {
        if let Some(contents) = contents {
            let mut path = output.as_os_str().to_owned();
            path.push(suffix);
            files.push(OutputFile {
                path: path.into(),
                contents,
                kind,
            });
        }
    }
    Ok(Bundled {
        files,
        inputs,
        timing,
        spent: leftovers,
        warnings,
    })
}
