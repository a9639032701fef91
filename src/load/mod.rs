//! The load stage: a channel-driven discovery graph.
//!
//! Worker threads take `Task::Load` from a crossbeam channel, read the file,
//! parse and analyze it, resolve each specifier once, and claim the paths
//! they lead to in a `DashMap`: whoever inserts a path first enqueues its
//! load. An atomic count of outstanding loads tells when discovery is done:
//! the worker that takes it to zero tells the coordinator, which stops the
//! workers. Only the coordinator touches the module table. Nothing sleeps or
//! polls.

mod analyze;
pub mod parse;
mod resolve;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use crossbeam_channel::{unbounded, Receiver, Sender};
use dashmap::mapref::entry::Entry;
use dashmap::DashMap;
use swc_common::{Globals, GLOBALS};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::graph::{ImportKind, Interop, Module, ModuleId, Resolution};
use crate::options::BuildOptions;

use analyze::Define;
pub use analyze::{import_call, str_atom};
pub use parse::SourceKind;
use resolve::{FileFacts, ModuleResolver, Resolved};

/// The modules of a build, indexed by discovery id, and the entries' ids.
pub struct Loaded {
    pub modules: Vec<Module>,
    pub entries: Vec<ModuleId>,
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
    Failed(Vec<Diagnostic>),
    /// Every claimed module has been reported.
    Finished,
}

/// What the workers share: the resolver, the claim map and the counters.
struct Shared {
    resolver: ModuleResolver,
    defines: Vec<Define>,
    claims: DashMap<PathBuf, ModuleId>,
    next_id: AtomicU32,
    /// Loads claimed and not yet reported.
    outstanding: AtomicUsize,
    tasks: Sender<Task>,
    events: Sender<Event>,
}

/// Loads every module reachable from the entries. All problems found are
/// returned together.
pub fn load(options: &BuildOptions, globals: &Globals) -> Result<Loaded, Diagnostics> {
    let (tasks, task_queue) = unbounded();
    let (events, event_queue) = unbounded();
    let shared = Shared {
        resolver: ModuleResolver::new(options),
        defines: options
            .defines()
            .iter()
            .map(|(key, value)| Define {
                path: key.split('.').map(Into::into).collect(),
                value: parse::define_value(value),
            })
            .collect(),
        claims: DashMap::new(),
        next_id: AtomicU32::new(0),
        outstanding: AtomicUsize::new(0),
        tasks,
        events,
    };

    let mut diagnostics = Diagnostics::default();
    let mut entries = Vec::new();
    for entry in &options.entries {
        let path = options.absolute(entry);
        match path.canonicalize() {
            Ok(path) if path.is_file() => {
                let facts = shared.resolver.entry_facts(&path);
                entries.push(shared.claim(path, Source::File(facts)))
            }
            _ => diagnostics.push(Diagnostic::error(format!(
                "entry point not found: {}",
                entry.display()
            ))),
        }
    }
    if entries.is_empty() {
        return Err(diagnostics);
    }

    let threads = options.thread_count();
    let mut slots: Vec<Option<Module>> = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let shared = &shared;
            let task_queue = task_queue.clone();
            scope.spawn(move || GLOBALS.set(globals, || shared.work(&task_queue)));
        }
        for event in event_queue.iter() {
            match event {
                Event::Loaded(module, problems) => {
                    let index = module.id.index();
                    if slots.len() <= index {
                        slots.resize_with(index + 1, || None);
                    }
                    slots[index] = Some(*module);
                    diagnostics.0.extend(problems);
                }
                Event::Failed(problems) => diagnostics.0.extend(problems),
                Event::Finished => break,
            }
        }
        for _ in 0..threads {
            let _ = shared.tasks.send(Task::Stop);
        }
    });

    let modules: Option<Vec<Module>> = slots.into_iter().collect();
    match modules {
        Some(modules) if !diagnostics.has_errors() => Ok(Loaded { modules, entries }),
        _ => {
            diagnostics.sort();
            Err(diagnostics)
        }
    }
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

    fn work(&self, queue: &Receiver<Task>) {
        for task in queue.iter() {
            let Task::Load(id, path, source) = task else {
                return;
            };
            let loaded = catch_unwind(AssertUnwindSafe(|| self.load_module(id, &path, source)));
            let event = match loaded {
                Ok(Ok((module, problems))) => Event::Loaded(Box::new(module), problems),
                Ok(Err(problems)) => Event::Failed(problems),
                Err(panic) => Event::Failed(vec![internal_error(&path, panic)]),
            };
            let _ = self.events.send(event);
            if self.outstanding.fetch_sub(1, Ordering::AcqRel) == 1 {
                let _ = self.events.send(Event::Finished);
            }
        }
    }

    /// Read → parse → analyze → resolve → claim.
    fn load_module(
        &self,
        id: ModuleId,
        path: &Path,
        source: Source,
    ) -> Result<(Module, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (text, facts) = match source {
            Source::File(facts) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    vec![Diagnostic::error(format!(
                        "could not read {}: {e}",
                        path.display()
                    ))]
                })?;
                (text, facts)
            }
            Source::Empty => (
                String::new(),
                FileFacts {
                    module_type: Some(oxc_resolver::ModuleType::CommonJs),
                    side_effects: false,
                },
            ),
        };
        let kind = match source {
            Source::Empty => SourceKind::JavaScript,
            Source::File(_) => SourceKind::of(path),
        };
        let jsx = match kind {
            SourceKind::Tsx | SourceKind::JavaScript => self.resolver.jsx_settings(path),
            _ => Default::default(),
        };
        let mut parsed = parse::parse(path, kind, text, &jsx, facts.module_type)?;
        let stem = identifier_stem(path);
        let mut analysis = analyze::analyze(
            &mut parsed.ast,
            parsed.kind,
            &stem,
            parsed.top_level_mark,
            parsed.unresolved_mark,
            &self.defines,
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

        let mut module = Module {
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
        };
        let problems = self.resolve_records(&mut module);
        Ok((module, problems))
    }

    /// Resolves each distinct specifier of `module` once and claims what it
    /// leads to. A specifier that fails is reported at every place it is used.
    fn resolve_records(&self, module: &mut Module) -> Vec<Diagnostic> {
        type Outcome = Result<Resolution, (String, Option<String>)>;
        let mut outcomes: HashMap<(swc_atoms::Atom, bool), Outcome> = HashMap::new();
        let mut problems = Vec::new();
        for record in &mut module.records {
            // `require` resolves with other conditions than `import`.
            let is_require = record.kind == ImportKind::Require;
            let key = (record.specifier.clone(), is_require);
            let outcome = outcomes.entry(key).or_insert_with(|| {
                match self
                    .resolver
                    .resolve(&module.path, &record.specifier, record.kind)
                {
                    Resolved::Path(path, facts) => {
                        Ok(Resolution::Module(self.claim(path, Source::File(facts))))
                    }
                    Resolved::Empty(path) => {
                        Ok(Resolution::Module(self.claim(path, Source::Empty)))
                    }
                    Resolved::External => Ok(Resolution::External),
                    Resolved::Failed { reason, hint } => Err((reason, hint)),
                }
            });
            match outcome {
                Ok(resolution) => record.resolution = resolution.clone(),
                // Left to fail at run time, inside its `try`.
                Err(_) if record.optional => record.resolution = Resolution::External,
                Err((reason, hint)) => {
                    let mut d =
                        Diagnostic::error(format!("could not resolve \"{}\"", record.specifier))
                            .at(parse::location(&module.path, &module.file, record.span));
                    if !reason.is_empty() {
                        d = d.with_note(reason.clone());
                    }
                    if let Some(hint) = hint {
                        d = d.with_hint(hint.clone());
                    }
                    problems.push(d);
                }
            }
        }
        problems
    }
}

/// The file stem as an identifier, for names of synthesized bindings.
fn identifier_stem(path: &Path) -> String {
    crate::graph::identifier_of(
        &path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
    )
}

fn internal_error(path: &Path, panic: Box<dyn std::any::Any + Send>) -> Diagnostic {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Diagnostic::error(format!(
        "internal error while loading {}: {message}",
        path.display()
    ))
    .with_hint("this is a bug in weft; please report it with the file that triggers it")
}
