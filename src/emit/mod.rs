//! The emit stage: every module is rewritten and printed with
//! `swc_ecma_codegen` in parallel, then the chunk is the concatenation in
//! execution order, with the runtime helpers it uses, inside the format's
//! wrapper.

mod mangle;
mod minify;
mod rewrite;
mod runtime;
mod sourcemap;
mod syntax;
#[cfg(test)]
mod testing;
pub mod write;
mod writer;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::unbounded;
use swc_common::{Globals, DUMMY_SP, GLOBALS};
use swc_ecma_ast::*;
use swc_ecma_codegen::{Config, Emitter};
use swc_ecma_transforms_base::fixer::fixer;
use swc_ecma_utils::find_pat_ids;
use swc_ecma_visit::VisitMutWith;
use writer::Writer;

use crate::diagnostics::{display_path, Diagnostic, Diagnostics};
use crate::graph::{
    ImportKind, Module as GraphModule, ModuleGraph, ModuleId, ModuleKind, Resolution,
};
use crate::link::{CommonJsRead, Link, Ref};
use crate::options::{BuildOptions, Format, LegalComments, Platform, SourceMaps, Target};
use crate::timing::StageTime;

use minify::Minify;
use rewrite::{is_identifier_name, Rewriter};
use runtime::Helpers;
use sourcemap::{Joiner, MapPiece, Sources};

/// One module, printed.
#[derive(Default)]
struct Printed {
    /// Inline code, or for a wrapped module the definition of its
    /// initializer.
    code: String,
    /// Modules whose namespace object the code refers to.
    namespaces: Vec<ModuleId>,
    /// ES modules whose `require()` result the code refers to.
    required_namespaces: Vec<ModuleId>,
    uses_require: bool,
    uses_default: bool,
    uses_filename: bool,
    /// Whether the module reads `require.main` (see [`Rewriter`]).
    uses_main: bool,
    /// For a CommonJS module, where the line that opens its function ends.
    body_opens: Option<usize>,
    /// The source maps of the printed pieces, each with the line of `code`
    /// it starts on.
    maps: Vec<(u32, MapPiece)>,
    /// The printed trees and the statements tree shaking dropped, kept to
    /// be freed after the chunk is written.
    spent: crate::Leftovers,
}

/// A piece of a module, printed: its code, its source map, and its tree.
struct Piece {
    code: String,
    map: Option<MapPiece>,
    tree: Option<Program>,
}

impl Printed {
    /// Appends a printed piece, which starts on a line of its own.
    fn push(&mut self, piece: Piece) {
        if let Some(map) = piece.map {
            self.maps.push((line_count(&self.code), map));
        }
        self.code.push_str(&piece.code);
        if let Some(tree) = piece.tree {
            self.spent.keep(tree);
        }
    }
}

fn line_count(text: &str) -> u32 {
    memchr::memchr_iter(b'\n', text.as_bytes()).count() as u32
}

/// A printed chunk.
pub struct Emitted {
    pub code: String,
    /// The time spent: wall, and summed over the threads that printed
    /// modules.
    pub time: StageTime,
    /// The bytes of each module's code in the chunk, indexed by [`ModuleId`].
    pub module_bytes: Vec<usize>,
    /// The names the chunk exports (esm output).
    pub exports: Vec<String>,
    /// With `--legal-comments external`: the text of `<bundle>.LEGAL.txt`,
    /// if any file has legal comments.
    pub legal_file: Option<String>,
    /// With `--sourcemap` (linked or external): the text of `<bundle>.map`.
    pub map_file: Option<String>,
    /// The modules' trees and printed pieces, for the caller to free.
    pub spent: crate::Leftovers,
}

/// Prints the chunk of `graph`. `asts` are the modules' ASTs, indexed by
/// module id.
pub fn emit(
    graph: &ModuleGraph,
    asts: Vec<Module>,
    link: &Link,
    options: &BuildOptions,
    globals: &Globals,
    output: &Path,
) -> Result<Emitted, Diagnostics> {
    let started = Instant::now();
    let format = options.format;
    // CommonJS modules run in sloppy mode unless they say otherwise, and ES
    // modules in strict mode. An ES module chunk is strict throughout; the
    // other formats put the CommonJS functions in a sloppy outer scope and
    // everything else in a strict inner one. Names the CommonJS code uses
    // from the inner scope are declared outside and assigned inside.
    let live_modules = || graph.modules.iter().filter(|m| link.live.module(m.id));
    let split = format != Format::Esm && live_modules().any(|m| m.kind == ModuleKind::CommonJs);
    let shared = if split {
        shared_names(graph, link)
    } else {
        BTreeSet::new()
    };
    let hashbang = asts
        .get(graph.entries[0].index())
        .and_then(|ast| ast.shebang.clone());
    let printing = Instant::now();
    let (printed, printing_busy) =
        print_modules(graph, asts, link, options, &shared, globals, output)?;
    let printing_wall = printing.elapsed();
    // The map's memory is mapped while the code is put together.
    let map_buffer = (options.source_maps != SourceMaps::None).then(|| {
        let size =
            sourcemap::joined_size(printed.iter().flat_map(|p| p.maps.iter().map(|(_, m)| m)));
        std::thread::spawn(move || sourcemap::mapped_buffer(size))
    });
    let entry = graph.entries[0];
    let entry_is_commonjs = graph.module(entry).kind == ModuleKind::CommonJs;

    let mut namespaces: BTreeSet<ModuleId> = printed
        .iter()
        .flat_map(|p| p.namespaces.iter().copied())
        .collect();
    let required_namespaces: BTreeSet<ModuleId> = printed
        .iter()
        .flat_map(|p| p.required_namespaces.iter().copied())
        .collect();
    // A CommonJS entry's exports are its `module.exports`.
    let entry_members = if entry_is_commonjs {
        std::borrow::Cow::Borrowed(&[][..])
    } else {
        link.namespace_members(graph, entry)
    };
    if format == Format::Iife && options.global_name.is_some() && !entry_is_commonjs {
        namespaces.insert(entry);
    }
    if format == Format::Esm {
        for (_, r) in entry_members.iter() {
            if let Ref::Namespace(t) = r {
                namespaces.insert(*t);
            }
        }
    }
    let namespace_decls =
        namespace_declarations(graph, link, namespaces, required_namespaces, &shared);
    let uses_require = printed.iter().any(|p| p.uses_require);
    let uses_main = entry_is_commonjs && printed.iter().any(|p| p.uses_main);
    // On Node the main module knows its file, as `require.main.filename`:
    // the entry's is the bundle's.
    let main_file = uses_main && options.platform == Platform::Node;
    let helpers = Helpers {
        namespace: !namespace_decls.is_empty(),
        lazy: live_modules().any(|m| graph.wrapped[m.id.index()] && m.kind == ModuleKind::Esm),
        commonjs: live_modules().any(|m| m.kind == ModuleKind::CommonJs),
        default: printed.iter().any(|p| p.uses_default),
        require: uses_require,
        // An ES module on Node makes its own `require`.
        create_require: format == Format::Esm && options.platform == Platform::Node,
        filename: format == Format::Esm
            && options.platform == Platform::Node
            && (main_file || printed.iter().any(|p| p.uses_filename)),
        export: format == Format::Cjs && !entry_members.is_empty(),
        import: format != Format::Esm && !link.names.externals.is_empty(),
        main: uses_main,
    };
    // The code of module `id`. When `require.main` is read, the CommonJS
    // entry's function first makes its `module` the main one, on the line
    // that opens it so that the source map's lines stay where they are.
    let module_code = |out: &mut String, id: usize| {
        let code = &printed[id].code;
        match printed[id].body_opens {
            Some(at) if helpers.main && id == entry.index() => {
                out.push_str(&code[..at]);
                out.push_str(if main_file {
                    " __main = module; module.filename = __filename; module.path = __dirname;"
                } else {
                    " __main = module;"
                });
                out.push_str(&code[at..]);
            }
            _ => out.push_str(code),
        }
    };

    // The chunk is written once, in order, into one buffer sized for all
    // the printed code, which is most of it.
    let code_len: usize = printed.iter().map(|p| p.code.len()).sum();
    let mut out = String::with_capacity(code_len + namespace_decls.len() + 8192);
    if let Some(hashbang) = hashbang {
        let _ = writeln!(out, "#!{hashbang}");
    }
    if let Some(banner) = &options.banner {
        out.push_str(banner);
        out.push('\n');
    }
    if format == Format::Esm {
        for (specifier, name) in &link.names.externals {
            let _ = writeln!(out, "import * as {name} from {};", js_string(specifier));
        }
    }
    if format == Format::Iife {
        if let Some(name) = &options.global_name {
            let _ = write!(out, "{} = ", global_assignment_target(name));
        }
        out.push_str("(() => {\n");
    }
    if !split && format != Format::Esm {
        out.push_str("\"use strict\";\n");
    }
    out.push_str(&helpers.code());
    // Where each module's code starts in the chunk, by module: the source
    // map is joined from these.
    let mut placed: Vec<(usize, usize)> = Vec::new();
    let wrapped_live = |m: &&GraphModule| graph.wrapped[m.id.index()] && link.live.module(m.id);
    if split {
        // The CommonJS functions, in the sloppy outer scope.
        if !shared.is_empty() {
            let names: Vec<&str> = shared.iter().map(|n| n.as_str()).collect();
            let _ = writeln!(out, "var {};", names.join(", "));
        }
        for m in graph.modules.iter().filter(wrapped_live) {
            if m.kind == ModuleKind::CommonJs {
                placed.push((out.len(), m.id.index()));
                module_code(&mut out, m.id.index());
            }
        }
        let result = if format == Format::Iife && options.global_name.is_some() {
            "return "
        } else {
            ""
        };
        let _ = writeln!(out, "{result}(() => {{\n\"use strict\";");
    }
    // The strict part: everything but the helpers and CommonJS functions.
    if format != Format::Esm {
        external_requires(&mut out, link);
    }
    if format == Format::Cjs && !entry_members.is_empty() {
        let _ = writeln!(out, "__export(module.exports, {{");
        for (name, r) in entry_members.iter() {
            let _ = writeln!(
                out,
                "  {}: () => {},",
                property_key(name),
                ref_text(link, r)
            );
        }
        out.push_str(
            "});\nObject.defineProperty(module.exports, \"__esModule\", { value: true });\n",
        );
    }
    out.push_str(&namespace_decls);
    // Initializers are defined first: eager code, and any `import()` or
    // `require()` in it, may call them.
    for m in graph.modules.iter().filter(wrapped_live) {
        if !(m.kind == ModuleKind::CommonJs && split) {
            placed.push((out.len(), m.id.index()));
            module_code(&mut out, m.id.index());
        }
    }
    for (m, p) in graph.modules.iter().zip(&printed) {
        let id = m.id.index();
        if graph.lazy[id] || !link.live.module(m.id) {
            continue;
        }
        if graph.wrapped[id] {
            // An eager module with an initializer runs at its place.
            let init = link.names.inits[id]
                .as_ref()
                .expect("wrapped modules have initializers");
            let _ = writeln!(out, "{init}();");
        } else {
            placed.push((out.len(), id));
            out.push_str(&p.code);
        }
    }
    let entry_exports = || {
        link.names.inits[entry.index()]
            .as_ref()
            .map(|init| format!("{init}()"))
            .expect("CommonJS modules have initializers")
    };
    match format {
        Format::Esm => {
            if link.async_eval[entry.index()] {
                let _ = writeln!(
                    out,
                    "await {};",
                    link.names.inits[entry.index()]
                        .as_ref()
                        .expect("async modules have a promise")
                );
            }
            if entry_is_commonjs {
                let _ = writeln!(out, "export default {};", entry_exports());
            } else {
                esm_exports(&mut out, link, &entry_members)
            }
        }
        Format::Cjs => {
            if entry_is_commonjs {
                let _ = writeln!(out, "module.exports = {};", entry_exports());
            }
        }
        Format::Iife => {
            if options.global_name.is_some() {
                let value = if entry_is_commonjs {
                    entry_exports()
                } else {
                    link.names.namespaces[entry.index()].to_string()
                };
                let _ = writeln!(out, "return {value};");
            }
        }
    }
    if split {
        out.push_str("})();\n");
    }
    if format == Format::Iife {
        out.push_str("})();\n");
    }
    // Legal comments of the modules the chunk keeps, each once.
    let mut legal = String::new();
    if matches!(
        options.legal_comments,
        LegalComments::Eof | LegalComments::External
    ) {
        let mut seen = rustc_hash::FxHashSet::default();
        for m in live_modules() {
            for comment in &m.legal_comments {
                if seen.insert(comment.as_str()) {
                    legal.push_str(comment);
                    legal.push('\n');
                }
            }
        }
    }
    let legal_file = if options.legal_comments == LegalComments::External {
        Some(legal).filter(|text| !text.is_empty())
    } else {
        out.push_str(&legal);
        None
    };
    if let Some(footer) = &options.footer {
        out.push_str(footer);
        out.push('\n');
    }
    let map = map_buffer.map(|buffer| {
        let buffer = buffer.join().unwrap_or_default();
        join_maps(&out, &placed, &printed, output, buffer)
    });
    if let Some(map) = &map {
        let file = output
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match options.source_maps {
            SourceMaps::Linked => {
                let _ = writeln!(out, "//# sourceMappingURL={file}.map");
            }
            SourceMaps::Inline => {
                let _ = writeln!(
                    out,
                    "//# sourceMappingURL=data:application/json;base64,{}",
                    base64(map.as_bytes())
                );
            }
            SourceMaps::External | SourceMaps::None => {}
        }
    }
    let map_file = map.filter(|_| {
        matches!(
            options.source_maps,
            SourceMaps::Linked | SourceMaps::External
        )
    });
    let wall = started.elapsed();
    let exports = match format {
        Format::Esm if entry_is_commonjs => vec!["default".to_string()],
        Format::Esm => entry_members
            .iter()
            .map(|(name, _)| name.to_string())
            .collect(),
        Format::Cjs | Format::Iife => Vec::new(),
    };
    let module_bytes = printed.iter().map(|p| p.code.len()).collect();
    let mut spent = crate::Leftovers::default();
    spent.keep(printed);
    Ok(Emitted {
        code: out,
        time: StageTime {
            wall,
            workers: wall - printing_wall + printing_busy,
        },
        module_bytes,
        exports,
        legal_file,
        map_file,
        spent,
    })
}

/// Joins the modules' source maps into the chunk's: `pieces` are where
/// each module's code starts in `code` (in order), and each module's maps
/// move down by the lines before it.
fn join_maps(
    code: &str,
    pieces: &[(usize, usize)],
    printed: &[Printed],
    output: &Path,
    buffer: String,
) -> String {
    let file = output.file_name().map(|n| n.to_string_lossy());
    let mut joiner = Joiner::new(
        pieces
            .iter()
            .flat_map(|&(_, module)| &printed[module].maps)
            .map(|(_, piece)| piece),
        file.as_deref(),
        buffer,
    );
    let mut line = 0u32;
    let mut scanned = 0usize;
    for &(at, module) in pieces {
        line += line_count(&code[scanned..at]);
        scanned = at;
        for (offset, piece) in &printed[module].maps {
            joiner.add(line + offset, piece);
        }
    }
    joiner.finish()
}

/// Standard base64 with padding, for a `data:` URL.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (chunk.get(1).copied().unwrap_or(0) as u32) << 8
            | chunk.get(2).copied().unwrap_or(0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bindings of the strict scope that CommonJS code refers to: the
/// initializers and namespace objects of the ES modules it requires or
/// imports.
fn shared_names(graph: &ModuleGraph, link: &Link) -> BTreeSet<String> {
    let mut shared = BTreeSet::new();
    for m in &graph.modules {
        if m.kind != ModuleKind::CommonJs || !link.live.module(m.id) {
            continue;
        }
        for r in &m.records {
            let Resolution::Module(t) = r.resolution else {
                continue;
            };
            if graph.module(t).kind != ModuleKind::Esm {
                continue;
            }
            if let Some(init) = &link.names.inits[t.index()] {
                shared.insert(init.to_string());
            }
            shared.insert(link.names.namespaces[t.index()].to_string());
            let required = &link.names.required_namespaces[t.index()];
            if !required.is_empty() {
                shared.insert(required.to_string());
            }
        }
    }
    shared
}

/// How the chunk introduces `name`: `var name`, or, for a name the
/// CommonJS code shares (declared in the outer scope), a bare assignment
/// target.
fn declaration(name: &str, shared: &BTreeSet<String>) -> String {
    if shared.contains(name) {
        name.to_string()
    } else {
        format!("var {name}")
    }
}

/// Prints every module on `options.thread_count()` threads; the results
/// are in module order whatever the threads' timing. A module whose
/// printing panics is an error that names it; the others are still
/// printed, and every such error is returned.
fn print_modules(
    graph: &ModuleGraph,
    asts: Vec<Module>,
    link: &Link,
    options: &BuildOptions,
    shared: &BTreeSet<String>,
    globals: &Globals,
    output: &Path,
) -> Result<(Vec<Printed>, Duration), Diagnostics> {
    let style = &Style::new(options, output);
    let count = asts.len();
    let threads = options.thread_count().min(count).max(1);
    let (work, work_queue) = unbounded();
    for item in asts.into_iter().enumerate() {
        let _ = work.send(item);
    }
    drop(work);
    let (done, results) = unbounded();
    let busy = std::thread::scope(|scope| {
        let printers = (0..threads)
            .map(|_| {
                let work_queue = work_queue.clone();
                let done = done.clone();
                crate::load::nesting::thread("weft-print")
                    .spawn_scoped(scope, move || {
                        let started = Instant::now();
                        GLOBALS.set(globals, || {
                            for (index, ast) in work_queue.iter() {
                                let id = ModuleId(index as u32);
                                let printed = catch_unwind(AssertUnwindSafe(|| {
                                    print_module(graph, link, options, style, shared, id, ast)
                                }))
                                .map_err(|panic| {
                                    let path = comment_path(&graph.module(id).path, &options.cwd);
                                    Diagnostic::internal("printing", &path, &*panic)
                                });
                                let _ = done.send((index, printed));
                            }
                        });
                        started.elapsed()
                    })
                    .map_err(crate::load::nesting::no_thread)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<Duration, Diagnostics>(
            printers
                .into_iter()
                .map(|p| p.join().unwrap_or_else(|panic| resume_unwind(panic)))
                .sum(),
        )
    })?;
    drop(done);
    let mut slots: Vec<Option<Printed>> = (0..count).map(|_| None).collect();
    let mut problems = Diagnostics::default();
    for (index, printed) in results.iter() {
        match printed {
            Ok(printed) => slots[index] = Some(printed),
            Err(problem) => problems.push(problem),
        }
    }
    problems.sort();
    problems.into_result(())?;
    let printed = slots
        .into_iter()
        .map(|p| p.expect("every module is printed"))
        .collect();
    Ok((printed, busy))
}

fn print_module(
    graph: &ModuleGraph,
    link: &Link,
    options: &BuildOptions,
    style: &Style,
    shared: &BTreeSet<String>,
    id: ModuleId,
    mut ast: Module,
) -> Printed {
    let module = graph.module(id);
    if !link.live.module(id) {
        let mut printed = Printed::default();
        printed.spent.keep(ast);
        return printed;
    }
    let mut dropped = Vec::new();
    if link.live.parts[id.index()].contains(&false) {
        let (kept, not): (Vec<_>, Vec<_>) = std::mem::take(&mut ast.body)
            .into_iter()
            .enumerate()
            .partition(|(index, _)| link.live.part(id, *index));
        ast.body = kept.into_iter().map(|(_, item)| item).collect();
        dropped = not;
    }
    let mut rewriter = Rewriter::new(graph, link, id);
    ast.visit_mut_with(&mut rewriter);
    let mut namespaces: Vec<ModuleId> = rewriter.namespaces.into_iter().collect();
    namespaces.sort();
    let mut required_namespaces: Vec<ModuleId> = rewriter.required_namespaces.into_iter().collect();
    required_namespaces.sort();
    let mut printed = Printed {
        code: String::new(),
        namespaces,
        required_namespaces,
        uses_require: rewriter.uses_require,
        uses_default: rewriter.uses_default,
        uses_filename: rewriter.uses_filename,
        uses_main: rewriter.uses_main,
        body_opens: None,
        maps: Vec::new(),
        spent: crate::Leftovers::default(),
    };
    if !dropped.is_empty() {
        printed.spent.keep(dropped);
    }
    if options.legal_comments == LegalComments::Inline {
        for comment in &module.legal_comments {
            printed.code.push_str(comment);
            printed.code.push('\n');
        }
    }

    let sources = style
        .map_dir
        .as_ref()
        .map(|dir| Sources::of(module, dir, style.sources_content));
    let sources = sources.as_ref();
    let body = ast.body;
    let Some(init) = &link.names.inits[id.index()] else {
        let piece = print(module, link, style, body, false, sources);
        if !piece.code.is_empty() {
            if !style.whitespace {
                let _ = writeln!(
                    printed.code,
                    "// {}",
                    comment_path(&module.path, &options.cwd)
                );
            }
            printed.push(piece);
        }
        return printed;
    };

    if !style.whitespace {
        let _ = writeln!(
            printed.code,
            "// {}",
            comment_path(&module.path, &options.cwd)
        );
    }
    if module.kind == ModuleKind::CommonJs {
        // `this` at a CommonJS module's top level is `module.exports`.
        let _ = write!(
            printed.code,
            "var {init} = __commonJS(function (exports, module) {{"
        );
        printed.body_opens = Some(printed.code.len());
        printed.code.push('\n');
        printed.push(print(module, link, style, body, true, sources));
        printed.code.push_str("});\n");
        return printed;
    }

    let (hoisted, inner) = split_wrapped(body);
    printed.push(print(module, link, style, hoisted, false, sources));
    let static_deps = module
        .records
        .iter()
        .filter_map(|r| match (r.kind, &r.resolution) {
            (ImportKind::Import | ImportKind::ReExport, Resolution::Module(dep)) => Some(*dep),
            _ => None,
        });
    let close = if graph.wrapped[id.index()] {
        let is_async = link.async_init[id.index()];
        let _ = writeln!(
            printed.code,
            "{} = __esm({}() => {{",
            declaration(init, shared),
            if is_async { "async " } else { "" }
        );
        let mut called: Vec<ModuleId> = Vec::new();
        for dep in static_deps.filter(|d| graph.wrapped[d.index()] && link.live.module(*d)) {
            if called.contains(&dep) {
                continue;
            }
            called.push(dep);
            let wait = if link.async_init[dep.index()] {
                "await "
            } else {
                ""
            };
            let _ = writeln!(
                printed.code,
                "{wait}{}();",
                link.names.inits[dep.index()]
                    .as_ref()
                    .expect("wrapped modules have initializers")
            );
        }
        "});\n"
    } else {
        // Asynchronous evaluation: start once the asynchronous dependencies
        // are done; until its first `await`, a module with none runs now.
        let mut waits: Vec<&str> = Vec::new();
        for dep in static_deps.filter(|d| link.async_eval[d.index()]) {
            let dep_init = link.names.inits[dep.index()]
                .as_ref()
                .expect("async modules have a promise");
            if !waits.contains(&dep_init.as_str()) {
                waits.push(dep_init);
            }
        }
        if waits.is_empty() {
            let _ = writeln!(
                printed.code,
                "{} = (async () => {{",
                declaration(init, shared)
            );
            "})();\n"
        } else {
            let _ = writeln!(
                printed.code,
                "{} = Promise.all([{}]).then(async () => {{",
                declaration(init, shared),
                waits.join(", ")
            );
            "});\n"
        }
    };
    printed.push(print(module, link, style, inner, false, sources));
    printed.code.push_str(close);
    printed
}

/// Splits a module that does not run inline into what must be visible to the whole chunk
/// (function declarations, and `var` bindings for every other top-level
/// declaration) and the statements its initializer runs.
fn split_wrapped(body: Vec<ModuleItem>) -> (Vec<ModuleItem>, Vec<ModuleItem>) {
    let mut hoisted = Vec::new();
    let mut names: Vec<Ident> = Vec::new();
    let mut inner = Vec::new();
    for item in body {
        match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) => {
                hoisted.push(ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))))
            }
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => {
                names.extend(find_pat_ids::<_, Ident>(&v.decls));
                for decl in v.decls {
                    let Some(init) = decl.init else { continue };
                    let Ok(left) = AssignTarget::try_from(decl.name) else {
                        continue;
                    };
                    inner.push(assignment(left, init));
                }
            }
            ModuleItem::Stmt(Stmt::Decl(Decl::Class(c))) => {
                names.push(c.ident.clone());
                let left = AssignTarget::Simple(SimpleAssignTarget::Ident(c.ident.clone().into()));
                let class = Expr::Class(ClassExpr {
                    ident: Some(c.ident),
                    class: c.class,
                });
                inner.push(assignment(left, Box::new(class)));
            }
            other => inner.push(other),
        }
    }
    if !names.is_empty() {
        hoisted.insert(
            0,
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(Box::new(VarDecl {
                span: DUMMY_SP,
                ctxt: Default::default(),
                kind: VarDeclKind::Var,
                declare: false,
                decls: names
                    .into_iter()
                    .map(|name| VarDeclarator {
                        span: DUMMY_SP,
                        name: Pat::Ident(name.into()),
                        init: None,
                        definite: false,
                    })
                    .collect(),
            })))),
        );
    }
    (hoisted, inner)
}

fn assignment(left: AssignTarget, right: Box<Expr>) -> ModuleItem {
    ModuleItem::Stmt(Stmt::Expr(ExprStmt {
        span: DUMMY_SP,
        expr: Box::new(Expr::Paren(ParenExpr {
            span: DUMMY_SP,
            expr: Box::new(Expr::Assign(AssignExpr {
                span: DUMMY_SP,
                op: AssignOp::Assign,
                left,
                right,
            })),
        })),
    }))
}

/// How modules are printed.
struct Style {
    minify: Minify,
    whitespace: bool,
    target: EsVersion,
    /// With source maps: the folder of the map file, which the map's
    /// `sources` are relative to.
    map_dir: Option<PathBuf>,
    sources_content: bool,
}

impl Style {
    fn new(options: &BuildOptions, output: &Path) -> Style {
        let target = match options.target {
            Target::Es2020 => EsVersion::Es2020,
            Target::Es2022 => EsVersion::Es2022,
            Target::EsNext => EsVersion::EsNext,
        };
        Style {
            minify: Minify {
                syntax: options.minify_syntax,
                identifiers: options.minify_identifiers,
                keep_names: options.keep_names,
            },
            whitespace: options.minify_whitespace,
            target,
            map_dir: (options.source_maps != SourceMaps::None)
                .then(|| output.parent().map(Path::to_path_buf).unwrap_or_default()),
            sources_content: options.sources_content,
        }
    }
}

/// Prints module items of `module` with swc's code generator, minified as
/// `style` says. `script`: the items are a CommonJS module's function body.
fn print(
    module: &GraphModule,
    link: &Link,
    style: &Style,
    body: Vec<ModuleItem>,
    script: bool,
    sources: Option<&Arc<Sources>>,
) -> Piece {
    if body.is_empty() {
        return Piece {
            code: String::new(),
            map: None,
            tree: None,
        };
    }
    let cm = &module.cm;
    let mut program = if script {
        Program::Script(Script {
            span: DUMMY_SP,
            body: body
                .into_iter()
                .map(|item| match item {
                    ModuleItem::Stmt(s) => s,
                    ModuleItem::ModuleDecl(_) => {
                        unreachable!("a CommonJS module has no declarations")
                    }
                })
                .collect(),
            shebang: None,
        })
    } else {
        Program::Module(Module {
            span: DUMMY_SP,
            body,
            shebang: None,
        })
    };
    if style.minify.any() {
        // The mangler must leave the module's top-level names alone.
        let top_level = if style.minify.identifiers {
            module
                .symbols
                .iter()
                .filter_map(|id| link.names.symbols.get(id).cloned())
                .collect()
        } else {
            Vec::new()
        };
        program = style.minify.run(program, module, cm, top_level);
    }
    // Rewriting and the transforms leave out parentheses the printed code
    // needs (an IIFE statement, a sequence in a call); the fixer puts them
    // back.
    program.mutate(fixer(None));
    // Sized for the source: printed code is about as long, and has about
    // a mapping for every five bytes.
    let source_len = module.file.src.len();
    let mut buf = Vec::with_capacity(source_len + 64);
    let mut mappings = Vec::with_capacity(if sources.is_some() { source_len / 5 } else { 0 });
    {
        let mut emitter = Emitter {
            cfg: Config::default()
                .with_minify(style.whitespace)
                .with_target(style.target),
            cm: cm.clone(),
            comments: None,
            wr: Writer::new(&mut buf, sources.is_some().then_some(&mut mappings)),
        };
        match &program {
            Program::Module(m) => emitter.emit_module(m),
            Program::Script(s) => emitter.emit_script(s),
        }
        .expect("writing to a Vec cannot fail");
    }
    let mut text = String::from_utf8(buf).expect("the code generator writes UTF-8");
    if style.whitespace && !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let map = sources.map(|sources| sourcemap::encode(module, sources.clone(), &mappings));
    Piece {
        code: text,
        map,
        tree: Some(program),
    }
}

/// The namespace objects the chunk uses, and the ones their members use,
/// in module order; then what `require()` of ES modules with a default
/// export gives (their namespace's members plus `__esModule: true`).
fn namespace_declarations(
    graph: &ModuleGraph,
    link: &Link,
    mut pending: BTreeSet<ModuleId>,
    required: BTreeSet<ModuleId>,
    shared: &BTreeSet<String>,
) -> String {
    let mut done = BTreeSet::new();
    let mut decls = Vec::new();
    let object = |binding: &str, members: &[(swc_atoms::Atom, Ref)], extra: Option<&str>| {
        let mut text = format!("{} = __ns({{", declaration(binding, shared));
        let mut entries: Vec<(String, String)> = members
            .iter()
            .map(|(name, r)| (name.to_string(), ref_text(link, r)))
            .collect();
        if let Some(extra) = extra {
            entries.push((extra.to_string(), "true".to_string()));
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        }
        for (name, value) in &entries {
            let _ = write!(text, "\n  {}: () => {value},", property_key(name));
        }
        text.push_str(if entries.is_empty() {
            "});\n"
        } else {
            "\n});\n"
        });
        text
    };
    for &module in &required {
        let members = link.namespace_members(graph, module);
        pending.extend(namespaces_among(&members));
        let binding = &link.names.required_namespaces[module.index()];
        decls.push((module, 1, object(binding, &members, Some("__esModule"))));
    }
    // A namespace's members may be namespaces in turn: they are made in
    // waves, each wave's on two threads (ten copies of three.js have thirty
    // namespaces, ten of them of 443 members, most re-exported through
    // `export *`).
    while !pending.is_empty() {
        let wave: Vec<ModuleId> = std::mem::take(&mut pending)
            .into_iter()
            .filter(|&m| done.insert(m))
            .collect();
        let make = |modules: &[ModuleId]| -> Vec<(ModuleId, Vec<ModuleId>, String)> {
            modules
                .iter()
                .map(|&module| {
                    let members = link.namespace_members(graph, module);
                    let inner = namespaces_among(&members).collect();
                    let binding = &link.names.namespaces[module.index()];
                    (module, inner, object(binding, &members, None))
                })
                .collect()
        };
        let made = if wave.len() > 1 {
            let (first, second) = wave.split_at(wave.len() / 2);
            std::thread::scope(|scope| {
                let other = scope.spawn(|| make(second));
                let mut made = make(first);
                made.extend(other.join().unwrap_or_else(|panic| resume_unwind(panic)));
                made
            })
        } else {
            make(&wave)
        };
        for (module, inner, text) in made {
            pending.extend(inner.into_iter().filter(|t| !done.contains(t)));
            decls.push((module, 0, text));
        }
    }
    decls.sort_by_key(|(m, order, _)| (*m, *order));
    decls.into_iter().map(|(_, _, t)| t).collect()
}

/// The modules whose namespace objects are among `members`.
fn namespaces_among(members: &[(swc_atoms::Atom, Ref)]) -> impl Iterator<Item = ModuleId> + '_ {
    members.iter().filter_map(|(_, r)| match r {
        Ref::Namespace(t) => Some(*t),
        _ => None,
    })
}

fn esm_exports(out: &mut String, link: &Link, members: &[(swc_atoms::Atom, Ref)]) {
    let mut local = Vec::new();
    // An export of a CommonJS module's value is a read, not a binding:
    // `export` needs a binding, so the value is taken into one.
    let bases: Vec<swc_atoms::Atom> = members
        .iter()
        .filter(|(_, r)| matches!(r, Ref::CommonJs { .. }))
        .map(|(name, _)| format!("{}_export", crate::graph::identifier_of(name)).into())
        .collect();
    let mut bindings = link.names.unused(&bases).into_iter();
    for (name, r) in members {
        match r {
            Ref::External {
                specifier,
                name: imported,
            } => {
                let from = js_string(specifier);
                match imported {
                    Some(imported) => {
                        let _ = writeln!(
                            out,
                            "export {{ {} as {} }} from {from};",
                            property_key(imported),
                            property_key(name)
                        );
                    }
                    None => {
                        let _ = writeln!(out, "export * as {} from {from};", property_key(name));
                    }
                }
            }
            _ => {
                let target = if let Ref::CommonJs { .. } = r {
                    let binding = bindings.next().expect("a binding per CommonJS read");
                    let _ = writeln!(out, "var {binding} = {};", ref_text(link, r));
                    binding.to_string()
                } else {
                    ref_text(link, r)
                };
                if target == **name {
                    local.push(target);
                } else {
                    local.push(format!("{target} as {}", property_key(name)));
                }
            }
        }
    }
    if !local.is_empty() {
        let _ = writeln!(out, "export {{ {} }};", local.join(", "));
    }
}

fn external_requires(out: &mut String, link: &Link) {
    for (specifier, name) in &link.names.externals {
        let _ = writeln!(
            out,
            "var {name} = __import(require({}));",
            js_string(specifier)
        );
    }
}

/// `a.b.c = ` for a dotted global name: the outer objects are created when
/// missing.
fn global_assignment_target(name: &str) -> String {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() == 1 {
        return format!("var {name}");
    }
    // `o.a = o.a || {}` rather than `o.a ||= {}`, which is ES2021; each
    // level once, through a parameter.
    let mut target = "globalThis".to_string();
    for part in &parts[..parts.len() - 1] {
        target = format!("((o) => o.{part} = o.{part} || {{}})({target})");
    }
    format!("{target}.{}", parts[parts.len() - 1])
}

fn ref_text(link: &Link, r: &Ref) -> String {
    match r {
        Ref::CommonJs { module, read } => {
            let exports = format!(
                "{}()",
                link.names.inits[module.index()]
                    .as_ref()
                    .expect("CommonJS modules have initializers")
            );
            match read {
                CommonJsRead::Exports => exports,
                CommonJsRead::TranspiledDefault => format!("__default({exports})"),
                CommonJsRead::Member(n) if is_identifier_name(n) => format!("{exports}.{n}"),
                CommonJsRead::Member(n) => format!("{exports}[{}]", js_string(n)),
            }
        }
        Ref::Symbol(id) => link.names.symbols[id].to_string(),
        Ref::Namespace(t) => link.names.namespaces[t.index()].to_string(),
        Ref::External { specifier, name } => {
            let object = link.names.external(specifier);
            match name {
                None => object.to_string(),
                Some(n) if is_identifier_name(n) => format!("{object}.{n}"),
                Some(n) => format!("{object}[{}]", js_string(n)),
            }
        }
    }
}

fn property_key(name: &str) -> String {
    if is_identifier_name(name) {
        name.to_string()
    } else {
        js_string(name)
    }
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The path of `path` as written in the chunk's module comments.
pub fn comment_path(path: &Path, cwd: &Path) -> String {
    display_path(path, cwd).replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use swc_common::Globals;

    use crate::graph::ModuleGraph;
    use crate::options::BuildOptions;

    /// A module whose printing panics (here: its link has lost the names
    /// of its bindings, as `export { nope }` of an undeclared name once
    /// did) is an error naming it and the panic's message.
    #[test]
    fn a_panic_while_printing_a_module_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(
            dir.join("main.js"),
            "import { b } from './b.js';\nconsole.log(b);\n",
        )
        .unwrap();
        std::fs::write(dir.join("b.js"), "export const b = 2;\n").unwrap();
        let mut options = BuildOptions::new(dir.join("main.js"), dir.join("out.js"));
        options.cwd = dir.to_path_buf();
        let globals = Globals::new();
        let resolver = Arc::new(crate::load::ModuleResolver::new(&options));
        let loaded = crate::load::load(&options, &globals, &resolver).expect("it loads");
        let mut graph = ModuleGraph::new(loaded.modules, loaded.entries);
        let asts = graph
            .modules
            .iter_mut()
            .map(|m| std::mem::take(&mut m.ast))
            .collect();
        let mut link = crate::link::link(&graph, &options).expect("it links");
        link.names.symbols.clear();

        let emitted = super::emit(&graph, asts, &link, &options, &globals, &dir.join("out.js"));
        let errors = emitted.err().expect("the panics are errors").0;
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("internal error while printing main.js: ")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .all(|m| m.contains("no entry found for key")),
            "{messages:?}"
        );
    }
}
