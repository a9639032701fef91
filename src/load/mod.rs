//! The load stage: a channel-driven discovery graph.
//!
//! Worker threads take `Task::Load` from a crossbeam channel and read the
//! file. The structural pre-scan ([`crate::scan`]) finds its imports; each
//! specifier is resolved once and the paths it leads to are claimed in a
//! `DashMap`: whoever inserts a path first enqueues its load, so the module's
//! dependencies start loading on other workers while this one parses it.
//! The parse then confirms the edges: an import the pre-scan missed is
//! resolved and claimed now (and counted), and a module reached only through
//! pre-scan hits the parser does not confirm is dropped at the end, its
//! problems with it. An atomic count of outstanding loads tells when
//! discovery is done: the worker that takes it to zero stops the workers.
//! Each worker keeps what it loaded and hands it over when it stops, so the
//! coordinator, which alone builds the module table, is not woken once per
//! module. Nothing sleeps or polls.
//!
//! [`scan_graph`] runs the same discovery with the pre-scan alone, no parse:
//! the graph `weft graph` shows.

mod analyze;
mod early;
mod input_map;
mod listing;
pub mod nesting;
pub mod parse;
mod parts;
mod resolve;

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use crossbeam_channel::{unbounded, Receiver, Sender};
use dashmap::mapref::entry::Entry;
use dashmap::DashMap;
use rustc_hash::FxHashMap;
use swc_atoms::Atom;
use swc_common::{Globals, GLOBALS};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::graph::{ImportKind, Interop, Module, ModuleId, Resolution};
use crate::options::{BuildOptions, Format};
use crate::scan::{prescan, Dialect, ScanKind};
use crate::timing::{Spans, Stage, Timing};

use analyze::Define;
pub use analyze::{binding_contexts, import_call, prop_name, str_atom};
pub use input_map::{InputMap, InputSource};
pub use parse::SourceKind;
pub use resolve::ModuleResolver;
use resolve::{FileFacts, Resolved};

/// The modules of a build, indexed by id, and the entries' ids.
pub struct Loaded {
    pub modules: Vec<Module>,
    pub entries: Vec<ModuleId>,
    /// The load stages' times, the modules kept and dropped, and the
    /// pre-scan's misses.
    pub timing: Timing,
    /// What the modules kept have to warn of, sorted.
    pub warnings: Diagnostics,
    /// What discovery no longer needs: the resolver's caches and the
    /// claims.
    pub spent: crate::Leftovers,
}

/// The graph the pre-scan alone finds: modules indexed by id.
pub struct ScannedGraph {
    pub modules: Vec<ScannedModule>,
    pub entries: Vec<ModuleId>,
}

/// A module as the pre-scan sees it.
pub struct ScannedModule {
    pub path: PathBuf,
    /// In source order.
    pub imports: Vec<ScannedEdge>,
}

pub struct ScannedEdge {
    pub specifier: String,
    pub kind: ScanKind,
    pub target: Target,
}

/// Where a scanned import leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Module(ModuleId),
    External,
    /// It could not be resolved; why.
    Unresolved(String),
}

enum Task {
    Load(ModuleId, PathBuf, Source),
    Stop,
}

/// Where a module's code comes from.
#[derive(Clone, Copy)]
enum Source {
    File(FileFacts),
    /// `false` in a `browser` field: an empty CommonJS module.
    Empty,
}

enum Event {
    /// A module and the problems found in it (unresolved imports); it is
    /// kept so that its dependencies are still loaded and checked.
    Loaded(Box<Module>, Vec<Diagnostic>),
    Scanned(ModuleId, ScannedModule),
    Failed(ModuleId, Vec<Diagnostic>),
}

/// What workers do with a module.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Job {
    /// Parse and analyze it; with `prescan`, pre-scan it first; with
    /// `input_maps`, read the source map it refers to.
    Load { prescan: bool, input_maps: bool },
    /// Pre-scan and resolve only.
    Scan,
}

/// What the workers share: the resolver, the claim map and the counters.
struct Shared {
    job: Job,
    /// One for the whole build, shared by every entry's discovery: its
    /// caches (directory listings, package.json files) are read once.
    resolver: Arc<ModuleResolver>,
    defines: Vec<Define>,
    claims: DashMap<PathBuf, ModuleId, rustc_hash::FxBuildHasher>,
    next_id: AtomicU32,
    /// Loads claimed and not yet reported.
    outstanding: AtomicUsize,
    /// Imports the parser found that the pre-scan had not.
    misses: AtomicUsize,
    tasks: Sender<Task>,
    /// The workers, each stopped once discovery is done.
    threads: usize,
    /// The output's format. In `esm` output a CommonJS module must be free
    /// of what only sloppy mode allows; in the others `import.meta` has no
    /// meaning.
    format: Format,
}

/// How a specifier resolved, once per (specifier, is `require`) in a module.
type Outcome = Result<Resolution, resolve::Unresolved>;
type Outcomes = FxHashMap<(Atom, bool), Outcome>;

/// Loads every module reachable from the entries, resolving with
/// `resolver` (made for `options`). All problems found are returned
/// together.
pub fn load(
    options: &BuildOptions,
    globals: &Globals,
    resolver: &Arc<ModuleResolver>,
) -> Result<Loaded, Diagnostics> {
    let job = Job::Load {
        prescan: options.prescan,
        input_maps: options.source_maps != crate::options::SourceMaps::None,
    };
    let Discovery {
        events,
        claimed,
        spans,
        entries,
        misses,
        spent,
    } = discover(options, globals, job, Arc::clone(resolver))?;
    let mut slots: Vec<Option<Box<Module>>> = (0..claimed).map(|_| None).collect();
    let mut problems: Vec<Vec<Diagnostic>> = (0..claimed).map(|_| Vec::new()).collect();
    for event in events {
        let (id, module, found) = match event {
            Event::Loaded(module, found) => (module.id, Some(module), found),
            Event::Failed(id, found) => (id, None, found),
            Event::Scanned(..) => continue,
        };
        slots[id.index()] = module;
        problems[id.index()] = found;
    }

    // Keep what the parsed imports reach; the rest was loaded on pre-scan
    // hits alone.
    let reached = reachable(&entries, slots.len(), |id| {
        slots[id.index()]
            .iter()
            .flat_map(|m| &m.records)
            .filter_map(|r| match r.resolution {
                Resolution::Module(target) => Some(target),
                Resolution::External => None,
            })
            .collect()
    });
    let mut diagnostics = Diagnostics::default();
    for &id in &reached {
        diagnostics.0.append(&mut problems[id.index()]);
    }
    if diagnostics.has_errors() {
        diagnostics.sort();
        return Err(diagnostics);
    }

    let mut timing = Timing::default();
    timing.add_spans(&spans);
    timing.modules = reached.len();
    timing.speculative = slots.len() - reached.len();
    if options.prescan {
        timing.prescan_misses = Some(misses);
    }
    let (modules, entries) = compact(slots, &reached, &entries);
    Ok(Loaded {
        modules,
        entries,
        timing,
        warnings: diagnostics.warnings(),
        spent,
    })
}

/// Finds every module reachable from the entries with the pre-scan and the
/// resolver alone. Unresolved imports are part of the result, not errors.
pub fn scan_graph(options: &BuildOptions) -> Result<ScannedGraph, Diagnostics> {
    let globals = Globals::new();
    let Discovery {
        events, entries, ..
    } = discover(
        options,
        &globals,
        Job::Scan,
        Arc::new(ModuleResolver::new(options)),
    )?;
    let mut slots: Vec<Option<ScannedModule>> = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for event in events {
        match event {
            Event::Scanned(id, module) => {
                if slots.len() <= id.index() {
                    slots.resize_with(id.index() + 1, || None);
                }
                slots[id.index()] = Some(module);
            }
            Event::Failed(_, problems) => diagnostics.0.extend(problems),
            Event::Loaded(..) => {}
        }
    }
    diagnostics.sort();
    let modules: Option<Vec<ScannedModule>> = slots.into_iter().collect();
    match modules {
        Some(modules) if !diagnostics.has_errors() => Ok(ScannedGraph { modules, entries }),
        _ => Err(diagnostics),
    }
}

/// What a discovery run reports.
struct Discovery {
    /// Every `Loaded`, `Scanned` and `Failed` event, one per claimed module.
    events: Vec<Event>,
    /// Modules claimed: ids run from zero up to this.
    claimed: usize,
    /// Each worker's time spans.
    spans: Vec<Spans>,
    entries: Vec<ModuleId>,
    /// Imports the parser found that the pre-scan had not.
    misses: usize,
    /// The workers' shared state, to be freed.
    spent: crate::Leftovers,
}

/// Runs discovery from the entries until every claimed module has been
/// reported.
fn discover(
    options: &BuildOptions,
    globals: &Globals,
    job: Job,
    resolver: Arc<ModuleResolver>,
) -> Result<Discovery, Diagnostics> {
    let (tasks, task_queue) = unbounded();
    let threads = options.thread_count();
    let shared = Shared {
        job,
        resolver,
        defines: options
            .defines()
            .iter()
            .map(|(key, value)| Define {
                path: key.split('.').map(Into::into).collect(),
                value: parse::define_value(value),
            })
            .collect(),
        claims: DashMap::default(),
        next_id: AtomicU32::new(0),
        outstanding: AtomicUsize::new(0),
        misses: AtomicUsize::new(0),
        tasks,
        threads,
        format: options.format,
    };

    // Every entry must exist before any work starts.
    let mut diagnostics = Diagnostics::default();
    let mut entry_paths = Vec::new();
    for entry in &options.entries {
        match entry_path(&options.absolute(entry)) {
            Ok(path) => entry_paths.push(path),
            Err(why) => diagnostics.push(Diagnostic::error(format!(
                "entry point {why}: {}",
                entry.display()
            ))),
        }
    }
    diagnostics.into_result(())?;
    let entries: Vec<ModuleId> = entry_paths
        .into_iter()
        .map(|path| {
            let facts = shared.resolver.entry_facts(&path);
            shared.claim(path, Source::File(facts))
        })
        .collect();

    let mut events = Vec::new();
    let mut spans = Vec::new();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let shared = &shared;
                let task_queue = task_queue.clone();
                nesting::thread("weft-load")
                    .spawn_scoped(scope, move || {
                        GLOBALS.set(globals, || shared.work(&task_queue))
                    })
                    .map_err(nesting::no_thread)
            })
            .collect::<Result<_, _>>()?;
        for worker in workers {
            let (worker_spans, worker_events) = worker.join().unwrap_or_default();
            spans.push(worker_spans);
            events.extend(worker_events);
        }
        Ok::<_, Diagnostics>(())
    })?;
    let claimed = shared.next_id.load(Ordering::Relaxed) as usize;
    let misses = shared.misses.load(Ordering::Relaxed);
    let mut spent = crate::Leftovers::default();
    spent.keep(shared);
    Ok(Discovery {
        events,
        claimed,
        spans,
        entries,
        misses,
        spent,
    })
}

/// The early errors of a parsed module (see [`early`]), as diagnostics.
fn early_errors(
    path: &Path,
    kind: SourceKind,
    parsed: &parse::Parsed,
    esm_output: bool,
) -> Result<(), Vec<Diagnostic>> {
    let is_module = parsed.kind == crate::graph::ModuleKind::Esm;
    let mut errors = match kind {
        SourceKind::JavaScript => early::check(&parsed.ast, is_module, esm_output),
        SourceKind::TypeScript | SourceKind::Tsx => {
            early::check_typescript(&parsed.ast, is_module, esm_output)
        }
        SourceKind::Json => Vec::new(),
    };
    let src = &parsed.file.src;
    if esm_output && !is_module && src.contains("<!--") {
        errors.extend(early::html_comments(&parsed.comments, &parsed.file));
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(errors
        .into_iter()
        .map(|e| {
            let d = Diagnostic::error(e.message).at(parse::location(path, &parsed.file, e.span));
            match e.hint {
                Some(hint) => d.with_hint(hint),
                None => d,
            }
        })
        .collect())
}

/// The real path of the entry point at `path`, or why it cannot be one.
fn entry_path(path: &Path) -> Result<PathBuf, &'static str> {
    let real = path.canonicalize().map_err(|_| "not found")?;
    let kind = std::fs::metadata(&real)
        .map_err(|_| "not found")?
        .file_type();
    if kind.is_file() {
        Ok(real)
    } else if kind.is_dir() {
        Err("is a directory, not a file")
    } else {
        Err("is not a regular file but a FIFO, socket or device")
    }
}

/// The bytes of the file at `path`. `std::fs::read` reads until a `read`
/// returns nothing; asking for one byte more than the file's size tells the
/// end with the first `read` instead, one system call of five fewer per
/// module.
fn read_source(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |meta| meta.len() as usize);
    let mut bytes = vec![0; size + 1];
    let read = file.read(&mut bytes)?;
    bytes.truncate(read);
    if read != size {
        // Shorter or longer than it was a moment ago: read on to the end.
        file.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// The ids reachable from `entries` along `edges`, in ascending order.
fn reachable(
    entries: &[ModuleId],
    count: usize,
    edges: impl Fn(ModuleId) -> Vec<ModuleId>,
) -> Vec<ModuleId> {
    let mut seen = vec![false; count];
    let mut pending: Vec<ModuleId> = entries.to_vec();
    for e in entries {
        seen[e.index()] = true;
    }
    while let Some(id) = pending.pop() {
        for next in edges(id) {
            if !seen[next.index()] {
                seen[next.index()] = true;
                pending.push(next);
            }
        }
    }
    (0..count)
        .filter(|&i| seen[i])
        .map(|i| ModuleId(i as u32))
        .collect()
}

/// The `reached` modules, renumbered densely, with their records and the
/// entries renumbered to match.
fn compact(
    slots: Vec<Option<Box<Module>>>,
    reached: &[ModuleId],
    entries: &[ModuleId],
) -> (Vec<Module>, Vec<ModuleId>) {
    let mut new_id = vec![ModuleId(u32::MAX); slots.len()];
    for (index, id) in reached.iter().enumerate() {
        new_id[id.index()] = ModuleId(index as u32);
    }
    let mut slots = slots;
    let modules = reached
        .iter()
        .map(|id| {
            let mut module = *slots[id.index()]
                .take()
                .expect("a reached module without errors was loaded");
            module.id = new_id[id.index()];
            for record in &mut module.records {
                if let Resolution::Module(target) = &mut record.resolution {
                    *target = new_id[target.index()];
                }
            }
            module
        })
        .collect();
    let entries = entries.iter().map(|e| new_id[e.index()]).collect();
    (modules, entries)
}

impl Shared {
    /// The id of `path`, enqueueing its load if this is the first claim.
    fn claim(&self, path: PathBuf, source: Source) -> ModuleId {
        let (id, task) = match self.claims.entry(path) {
            Entry::Occupied(e) => (*e.get(), None),
            Entry::Vacant(e) => {
                let id = ModuleId(self.next_id.fetch_add(1, Ordering::Relaxed));
                let task = Task::Load(id, e.key().clone(), source);
                e.insert(id);
                (id, Some(task))
            }
        };
        if let Some(task) = task {
            self.outstanding.fetch_add(1, Ordering::AcqRel);
            let _ = self.tasks.send(task);
        }
        id
    }

    /// Takes tasks until told to stop; returns the time spent per stage and
    /// what it loaded.
    fn work(&self, queue: &Receiver<Task>) -> (Spans, Vec<Event>) {
        let mut spans = Spans::default();
        let mut events = Vec::new();
        for task in queue.iter() {
            let Task::Load(id, path, source) = task else {
                break;
            };
            let loaded = catch_unwind(AssertUnwindSafe(|| match self.job {
                Job::Load { prescan, .. } => {
                    match self.load_module(id, &path, source, prescan, &mut spans) {
                        Ok((module, problems)) => Event::Loaded(Box::new(module), problems),
                        Err(problems) => Event::Failed(id, problems),
                    }
                }
                Job::Scan => match self.scan_module(&path, source, &mut spans) {
                    Ok(module) => Event::Scanned(id, module),
                    Err(problems) => Event::Failed(id, problems),
                },
            }));
            let event = loaded.unwrap_or_else(|panic| {
                let path = path.display().to_string();
                Event::Failed(id, vec![Diagnostic::internal("loading", &path, &*panic)])
            });
            events.push(event);
            if self.outstanding.fetch_sub(1, Ordering::AcqRel) == 1 {
                // Every claimed module is loaded.
                for _ in 0..self.threads {
                    let _ = self.tasks.send(Task::Stop);
                }
            }
        }
        (spans, events)
    }

    /// The module's text, what its package says of it, and its kind.
    fn read(
        &self,
        path: &Path,
        source: Source,
    ) -> Result<(String, FileFacts, SourceKind), Vec<Diagnostic>> {
        match source {
            Source::File(facts) => {
                let bytes = read_source(path).map_err(|e| {
                    vec![Diagnostic::error(format!(
                        "could not read {}: {e}",
                        path.display()
                    ))]
                })?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    let at = e.utf8_error().valid_up_to();
                    let shown = String::from_utf8_lossy(e.as_bytes());
                    vec![Diagnostic::error("this file is not valid UTF-8")
                        .at(Location::from_offsets(path, &shown, at, at + 1))
                        .with_hint("save it as UTF-8")]
                })?;
                Ok((text, facts, SourceKind::of(path)))
            }
            Source::Empty => Ok((
                String::new(),
                FileFacts {
                    module_type: Some(oxc_resolver::ModuleType::CommonJs),
                    side_effects: false,
                },
                SourceKind::JavaScript,
            )),
        }
    }

    /// Read → pre-scan → resolve and claim what it found → parse → analyze
    /// → resolve and claim what the pre-scan missed.
    fn load_module(
        &self,
        id: ModuleId,
        path: &Path,
        source: Source,
        prescan: bool,
        spans: &mut Spans,
    ) -> Result<(Module, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (text, facts, kind) = spans.time(Stage::Read, || self.read(path, source))?;
        let jsx = match kind {
            SourceKind::Tsx | SourceKind::JavaScript => self.resolver.jsx_settings(path),
            _ => Default::default(),
        };
        let mut outcomes = Outcomes::default();
        if prescan && kind != SourceKind::Json {
            let dialect = Dialect::from_path(path);
            let scan = spans.time(Stage::Prescan, || prescan_imports(&text, dialect, &jsx));
            spans.time(Stage::Resolve, || {
                for (specifier, kind) in scan {
                    self.outcome(&mut outcomes, path, specifier.as_ref().into(), kind);
                }
            });
        }

        let (mut module, mut warnings) = spans.time(Stage::Parse, || {
            self.parse_module(id, path, text, facts, kind, &jsx)
        })?;
        let mut problems = spans.time(Stage::Resolve, || {
            self.resolve_records(&mut module, &mut outcomes, prescan)
        });
        problems.append(&mut warnings);
        Ok((module, problems))
    }

    fn parse_module(
        &self,
        id: ModuleId,
        path: &Path,
        text: String,
        facts: FileFacts,
        kind: SourceKind,
        jsx: &parse::JsxSettings,
    ) -> Result<(Module, Vec<Diagnostic>), Vec<Diagnostic>> {
        if let Some(at) = early::attributes_without_brace(&text) {
            return Err(vec![Diagnostic::error(
                "import attributes are an object: expected `{` after `with`",
            )
            .at(Location::from_offsets(path, &text, at, at + 4))]);
        }
        let mut parsed = parse::parse(path, kind, text, jsx, facts.module_type)?;
        early_errors(path, kind, &parsed, self.format == Format::Esm)?;
        let mut warnings = std::mem::take(&mut parsed.warnings);
        if self.format != Format::Esm
            && parsed.kind == crate::graph::ModuleKind::Esm
            && parsed.file.src.contains("import.meta")
        {
            for span in analyze::empty_import_meta(&mut parsed.ast) {
                warnings.push(
                    Diagnostic::warning(format!(
                        "import.meta is not available in --format {} output: it is an empty object there",
                        self.format.name()
                    ))
                    .at(parse::location(path, &parsed.file, span))
                    .with_hint("use --format esm to keep it"),
                );
            }
        }
        let stem = identifier_stem(path);
        let defines = applicable_defines(&self.defines, &parsed.file.src);
        let mut analysis = analyze::analyze(
            &mut parsed.ast,
            parsed.kind,
            &stem,
            parsed.top_level_mark,
            parsed.unresolved_mark,
            &defines,
            &parsed.comments,
        );
        if kind == SourceKind::Json {
            // Node gives a JSON module no named exports, only `default`.
            analysis.exports.commonjs = Default::default();
        }
        let extension = path.extension().and_then(|e| e.to_str());
        let interop = match (extension, facts.module_type) {
            (Some("mjs" | "mts"), _) | (_, Some(oxc_resolver::ModuleType::Module)) => Interop::Node,
            _ => Interop::Babel,
        };
        let input_map = match self.job {
            Job::Load {
                input_maps: true, ..
            } => input_map::read(path, &parsed.file.src)
                .unwrap_or_else(|warning| {
                    warnings.push(*warning);
                    None
                })
                .map(Box::new),
            _ => None,
        };
        let module = Module {
            id,
            path: path.to_path_buf(),
            kind: parsed.kind,
            interop,
            side_effects: facts.side_effects,
            cm: parsed.cm,
            file: parsed.file,
            ast: parsed.ast,
            records: analysis.records,
            imports: analysis.imports,
            exports: analysis.exports,
            symbols: analysis.symbols,
            reserved: analysis.reserved,
            top_level_await: analysis.top_level_await,
            unresolved: swc_common::SyntaxContext::empty().apply_mark(parsed.unresolved_mark),
            parts: analysis.parts,
            pure_functions: analysis.pure_functions,
            use_counts: analysis.use_counts,
            named_bindings: analysis.named_bindings,
            legal_comments: parse::legal_comments(&parsed.comments),
            input_map,
            top_level: swc_common::SyntaxContext::empty().apply_mark(parsed.top_level_mark),
        };
        Ok((module, warnings))
    }

    /// Read → pre-scan → resolve and claim, for `weft graph`.
    fn scan_module(
        &self,
        path: &Path,
        source: Source,
        spans: &mut Spans,
    ) -> Result<ScannedModule, Vec<Diagnostic>> {
        let (text, _, kind) = spans.time(Stage::Read, || self.read(path, source))?;
        let mut module = ScannedModule {
            path: path.to_path_buf(),
            imports: Vec::new(),
        };
        if kind == SourceKind::Json {
            return Ok(module);
        }
        let jsx = match kind {
            SourceKind::Tsx | SourceKind::JavaScript => self.resolver.jsx_settings(path),
            _ => Default::default(),
        };
        let scan = prescan_imports(&text, Dialect::from_path(path), &jsx);
        let mut outcomes = Outcomes::default();
        for (specifier, kind) in scan {
            let outcome = self.outcome(&mut outcomes, path, specifier.as_ref().into(), kind);
            let target = match outcome {
                Ok(Resolution::Module(id)) => Target::Module(*id),
                Ok(Resolution::External) => Target::External,
                Err(unresolved) => Target::Unresolved(unresolved.reason.clone()),
            };
            module.imports.push(ScannedEdge {
                specifier: specifier.into_owned(),
                kind,
                target,
            });
        }
        Ok(module)
    }

    /// Resolves `specifier` from `importer` (once per module) and claims the
    /// module it leads to.
    fn outcome<'o>(
        &self,
        outcomes: &'o mut Outcomes,
        importer: &Path,
        specifier: Atom,
        kind: ScanKind,
    ) -> &'o Outcome {
        let kind = import_kind(kind);
        // `require` resolves with other conditions than `import`.
        let key = (specifier, kind == ImportKind::Require);
        outcomes.entry(key).or_insert_with_key(|(specifier, _)| {
            match self.resolver.resolve(importer, specifier, kind) {
                Resolved::Path(path, facts) => {
                    Ok(Resolution::Module(self.claim(path, Source::File(facts))))
                }
                Resolved::Empty(path) => Ok(Resolution::Module(self.claim(path, Source::Empty))),
                Resolved::External => Ok(Resolution::External),
                Resolved::Failed(unresolved) => Err(unresolved),
            }
        })
    }

    /// Resolves each distinct specifier of `module` once (reusing what the
    /// pre-scan resolved) and claims what it leads to. A specifier that fails
    /// is reported at every place it is used.
    fn resolve_records(
        &self,
        module: &mut Module,
        outcomes: &mut Outcomes,
        prescanned: bool,
    ) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut misses = 0;
        for record in &mut module.records {
            let is_require = record.kind == ImportKind::Require;
            if prescanned && !outcomes.contains_key(&(record.specifier.clone(), is_require)) {
                misses += 1;
            }
            let outcome = self.outcome(
                outcomes,
                &module.path,
                record.specifier.clone(),
                scan_kind(record.kind),
            );
            match outcome {
                Ok(resolution) => record.resolution = resolution.clone(),
                // Left to fail at run time, inside its `try`.
                Err(_) if record.optional => record.resolution = Resolution::External,
                Err(unresolved) => {
                    let at = parse::location(&module.path, &module.file, record.span);
                    problems.push(unresolved.diagnostic(&record.specifier, at));
                }
            }
        }
        if misses > 0 {
            self.misses.fetch_add(misses, Ordering::Relaxed);
        }
        problems
    }
}

/// The specifiers the pre-scan finds in `text`, and the JSX runtime module
/// the automatic JSX transform will import in a `.jsx`/`.tsx` file.
fn prescan_imports<'a>(
    text: &'a str,
    dialect: Dialect,
    jsx: &parse::JsxSettings,
) -> Vec<(Cow<'a, str>, ScanKind)> {
    let scan = prescan(text.as_bytes(), dialect);
    let mut found: Vec<(Cow<'a, str>, ScanKind)> = scan
        .imports
        .into_iter()
        .map(|i| (i.specifier, i.kind))
        .collect();
    if dialect.jsx && !jsx.classic {
        let source = jsx.import_source.as_deref().unwrap_or("react");
        found.push((format!("{source}/jsx-runtime").into(), ScanKind::Import));
    }
    found
}

fn import_kind(kind: ScanKind) -> ImportKind {
    match kind {
        ScanKind::Import => ImportKind::Import,
        ScanKind::ReExport => ImportKind::ReExport,
        ScanKind::Dynamic => ImportKind::Dynamic,
        ScanKind::Require => ImportKind::Require,
    }
}

fn scan_kind(kind: ImportKind) -> ScanKind {
    match kind {
        ImportKind::Import => ScanKind::Import,
        ImportKind::ReExport => ScanKind::ReExport,
        ImportKind::Dynamic => ScanKind::Dynamic,
        ImportKind::Require => ScanKind::Require,
    }
}

/// The `--define`s that may apply to a module: those whose global the
/// source names. Most modules name none, and are not walked for them. A
/// name may be spelled with `\u` escapes; a source that has one keeps
/// them all.
fn applicable_defines<'d>(defines: &'d [Define], source: &str) -> Vec<&'d Define> {
    let escaped = memchr::memmem::find(source.as_bytes(), b"\\u").is_some();
    defines
        .iter()
        .filter(|d| {
            escaped || memchr::memmem::find(source.as_bytes(), d.path[0].as_bytes()).is_some()
        })
        .collect()
}

/// The file stem as an identifier, for names of synthesized bindings.
fn identifier_stem(path: &Path) -> String {
    crate::graph::identifier_of(
        &path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
    )
}
