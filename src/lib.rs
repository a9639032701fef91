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
use std::sync::Arc;
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

    /// Frees everything on another thread, whose stack holds the deepest
    /// tree (freeing a tree is recursive). Should no such thread start, the
    /// memory is left to the process.
    fn free_in_background(self) {
        if self.0.is_empty() {
            return;
        }
        let (send, receive) = std::sync::mpsc::channel::<Leftovers>();
        let freeing = load::nesting::thread("weft-free").spawn(move || drop(receive.recv()));
        let sent = match freeing {
            Ok(_) => send.send(self).map_err(|unsent| unsent.0),
            Err(_) => Err(self),
        };
        if let Err(unfreed) = sent {
            std::mem::forget(unfreed);
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
    // One resolver for every entry: entries in one folder read its listing
    // once, not once each.
    let resolver = Arc::new(load::ModuleResolver::new(options));
    // The options of each entry's build are these with the one entry; the
    // list of every entry is not copied for each.
    let each = BuildOptions {
        entries: Vec::new(),
        ..options.clone()
    };
    // Each entry point is its own chunk: no code is shared between outputs.
    for (entry, path) in options.entries.iter().zip(options.output_paths()) {
        let single = BuildOptions {
            entries: vec![entry.to_path_buf()],
            ..each.clone()
        };
        match bundle(&single, &path, &globals, &resolver, metafile.as_mut()) {
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
    leftovers.keep(resolver);
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

/// load → graph → link → emit for the one entry point of `single`.
fn bundle(
    single: &BuildOptions,
    output: &std::path::Path,
    globals: &Globals,
    resolver: &Arc<load::ModuleResolver>,
    metafile: Option<&mut metafile::Metafile>,
) -> Result<Bundled, Diagnostics> {
    let entry = &single.entries[0];
    // Every stage walks the modules' trees recursively, and freeing a tree
    // does too: it all runs on a thread whose stack holds the deepest tree
    // the load stage lets through (see `load::nesting`).
    let Chunk {
        emitted,
        timing,
        warnings,
        inputs,
        spent: leftovers,
    } = std::thread::scope(|scope| {
        load::nesting::thread("weft-build")
            .spawn_scoped(scope, || chunk(single, output, globals, resolver, metafile))
            .map_err(load::nesting::no_thread)?
            .join()
            .unwrap_or_else(|panic| {
                let entry = diagnostics::display_path(entry, &single.cwd);
                Err(Diagnostic::internal("bundling", &entry, &*panic).into())
            })
    })?;
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

/// What the build thread hands back: the printed chunk, and the memory
/// the build no longer needs.
struct Chunk {
    emitted: emit::Emitted,
    timing: Timing,
    warnings: Diagnostics,
    /// Every input file, sorted.
    inputs: Vec<PathBuf>,
    spent: Leftovers,
}

/// load → graph → link → emit for one entry point, on the build thread. A
/// panic while linking or emitting is a diagnostic; the loaders catch
/// their own, module by module.
fn chunk(
    single: &BuildOptions,
    output: &std::path::Path,
    globals: &Globals,
    resolver: &Arc<load::ModuleResolver>,
    metafile: Option<&mut metafile::Metafile>,
) -> Result<Chunk, Diagnostics> {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let cwd = &single.cwd;
    let entry_name = diagnostics::display_path(&single.entries[0], cwd);
    let loaded = load::load(single, globals, resolver)?;
    let mut timing = loaded.timing;
    let mut leftovers = loaded.spent;
    let mut graph = graph::ModuleGraph::new(loaded.modules, loaded.entries);
    let mut inputs: Vec<PathBuf> = graph.modules.iter().map(|m| m.path.clone()).collect();
    inputs.sort_unstable();
    let asts = graph
        .modules
        .iter_mut()
        .map(|m| std::mem::take(&mut m.ast))
        .collect();

    let linking = Instant::now();
    let link =
        catch_unwind(AssertUnwindSafe(|| link::link(&graph, single))).unwrap_or_else(|panic| {
            Err(Diagnostic::internal("linking", &entry_name, &*panic).into())
        })?;
    timing.add_serial(timing::Stage::Link, linking.elapsed());
    let mut emitted = catch_unwind(AssertUnwindSafe(|| {
        emit::emit(&graph, asts, &link, single, globals, output)
    }))
    .unwrap_or_else(|panic| Err(Diagnostic::internal("emitting", &entry_name, &*panic).into()))?;
    timing.add(timing::Stage::Emit, emitted.time);
    if let Some(metafile) = metafile {
        metafile.add(&graph, &emitted, output, emitted.code.len(), cwd);
    }
    leftovers.extend(std::mem::take(&mut emitted.spent));
    leftovers.keep(graph);
    leftovers.keep(link);
    Ok(Chunk {
        emitted,
        timing,
        warnings: loaded.warnings,
        inputs,
        spent: leftovers,
    })
}
