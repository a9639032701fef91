//! The emit stage: every module is rewritten and printed with
//! `swc_ecma_codegen` in parallel, then the chunk is the concatenation in
//! execution order, with the runtime helpers it uses, inside the format's
//! wrapper.

mod rewrite;
mod runtime;
pub mod write;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crossbeam_channel::unbounded;
use swc_common::sync::Lrc;
use swc_common::{SourceMap, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_codegen::text_writer::JsWriter;
use swc_ecma_codegen::{Config, Emitter};
use swc_ecma_transforms_base::fixer::fixer;
use swc_ecma_utils::find_pat_ids;
use swc_ecma_visit::VisitMutWith;

use crate::diagnostics::display_path;
use crate::graph::{ImportKind, ModuleGraph, ModuleId, Resolution};
use crate::link::{Link, Ref};
use crate::options::{BuildOptions, Format};

use rewrite::{is_identifier_name, Rewriter};
use runtime::Helpers;

/// One module, printed.
struct Printed {
    code: String,
    /// Modules whose namespace object the code refers to.
    namespaces: Vec<ModuleId>,
}

/// Prints the chunk of `graph` for `entry`. `asts` are the modules' ASTs,
/// indexed by module id; they are consumed.
pub fn emit(graph: &ModuleGraph, asts: Vec<Module>, link: &Link, options: &BuildOptions) -> String {
    let printed = print_modules(graph, asts, link, options);
    let entry = graph.entries[0];
    let format = options.format;

    let mut namespaces: BTreeSet<ModuleId> = printed
        .iter()
        .flat_map(|p| p.namespaces.iter().copied())
        .collect();
    let entry_members = link.tables.namespace_members(graph, entry);
    if format == Format::Iife && options.global_name.is_some() {
        namespaces.insert(entry);
    }
    if format == Format::Esm {
        for (_, r) in &entry_members {
            if let Ref::Namespace(t) = r {
                namespaces.insert(*t);
            }
        }
    }
    let namespace_decls = namespace_declarations(graph, link, namespaces);
    let has_lazy = graph.lazy.iter().any(|&l| l);
    let helpers = Helpers {
        namespace: !namespace_decls.is_empty(),
        lazy: has_lazy,
        export: format == Format::Cjs && !entry_members.is_empty(),
        import: format != Format::Esm && !link.names.externals.is_empty(),
    };

    let mut out = String::new();
    match format {
        Format::Esm => {
            for (specifier, name) in &link.names.externals {
                let _ = writeln!(out, "import * as {name} from {};", js_string(specifier));
            }
        }
        Format::Cjs => {
            out.push_str("\"use strict\";\n");
        }
        Format::Iife => {
            if let Some(name) = &options.global_name {
                let _ = write!(out, "{} = ", global_assignment_target(name));
            }
            out.push_str("(() => {\n\"use strict\";\n");
        }
    }
    out.push_str(&helpers.code());
    if format != Format::Esm {
        external_requires(&mut out, link);
    }
    if format == Format::Cjs && !entry_members.is_empty() {
        let _ = writeln!(out, "__export(module.exports, {{");
        for (name, r) in &entry_members {
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
    // Lazy modules only define their initializers, which must exist before
    // any eager code can reach an `import()`.
    for (m, p) in graph.modules.iter().zip(&printed) {
        if graph.lazy[m.id.index()] {
            out.push_str(&p.code);
        }
    }
    for (m, p) in graph.modules.iter().zip(&printed) {
        if !graph.lazy[m.id.index()] {
            out.push_str(&p.code);
        }
    }
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
            esm_exports(&mut out, link, &entry_members)
        }
        Format::Cjs => {}
        Format::Iife => {
            if options.global_name.is_some() {
                let _ = writeln!(out, "return {};", link.names.namespaces[entry.index()]);
            }
            out.push_str("})();\n");
        }
    }
    out
}

/// Rewrites and prints every module on the build's threads; the result is
/// in module order whatever the threads' timing.
fn print_modules(
    graph: &ModuleGraph,
    asts: Vec<Module>,
    link: &Link,
    options: &BuildOptions,
) -> Vec<Printed> {
    let count = asts.len();
    let threads = options.thread_count().min(count).max(1);
    let (work, work_queue) = unbounded();
    for item in asts.into_iter().enumerate() {
        let _ = work.send(item);
    }
    drop(work);
    let (done, results) = unbounded();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let work_queue = work_queue.clone();
            let done = done.clone();
            scope.spawn(move || {
                for (index, ast) in work_queue.iter() {
                    let printed = print_module(graph, link, options, ModuleId(index as u32), ast);
                    let _ = done.send((index, printed));
                }
            });
        }
    });
    drop(done);
    let mut slots: Vec<Option<Printed>> = (0..count).map(|_| None).collect();
    for (index, printed) in results.iter() {
        slots[index] = Some(printed);
    }
    slots
        .into_iter()
        .map(|p| p.expect("every module is printed"))
        .collect()
}

fn print_module(
    graph: &ModuleGraph,
    link: &Link,
    options: &BuildOptions,
    id: ModuleId,
    mut ast: Module,
) -> Printed {
    let module = graph.module(id);
    let mut rewriter = Rewriter::new(graph, link, id);
    ast.visit_mut_with(&mut rewriter);
    let mut namespaces: Vec<ModuleId> = rewriter.namespaces.into_iter().collect();
    namespaces.sort();

    let mut code = String::new();
    let body = ast.body;
    let Some(init) = &link.names.inits[id.index()] else {
        let printed = print(&module.cm, body);
        if !printed.is_empty() {
            let _ = writeln!(code, "// {}", comment_path(&module.path, &options.cwd));
            code.push_str(&printed);
        }
        return Printed { code, namespaces };
    };

    let _ = writeln!(code, "// {}", comment_path(&module.path, &options.cwd));
    let (hoisted, inner) = split_wrapped(body);
    code.push_str(&print(&module.cm, hoisted));
    let static_deps = module
        .records
        .iter()
        .filter_map(|r| match (r.kind, &r.resolution) {
            (ImportKind::Import | ImportKind::ReExport, Resolution::Module(dep)) => Some(*dep),
            _ => None,
        });
    let close = if graph.lazy[id.index()] {
        let is_async = link.async_init[id.index()];
        let _ = writeln!(
            code,
            "var {init} = __esm({}() => {{",
            if is_async { "async " } else { "" }
        );
        for dep in static_deps.filter(|d| graph.lazy[d.index()]) {
            let wait = if link.async_init[dep.index()] {
                "await "
            } else {
                ""
            };
            let _ = writeln!(
                code,
                "{wait}{}();",
                link.names.inits[dep.index()]
                    .as_ref()
                    .expect("lazy modules have initializers")
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
            let _ = writeln!(code, "var {init} = (async () => {{");
            "})();\n"
        } else {
            let _ = writeln!(
                code,
                "var {init} = Promise.all([{}]).then(async () => {{",
                waits.join(", ")
            );
            "});\n"
        }
    };
    code.push_str(&print(&module.cm, inner));
    code.push_str(close);
    Printed { code, namespaces }
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

/// Prints module items with swc's code generator.
fn print(cm: &Lrc<SourceMap>, body: Vec<ModuleItem>) -> String {
    if body.is_empty() {
        return String::new();
    }
    let mut program = Program::Module(Module {
        span: DUMMY_SP,
        body,
        shebang: None,
    });
    // Rewriting and the transforms leave out parentheses the printed code
    // needs (an IIFE statement, a sequence in a call); the fixer puts them
    // back.
    program.mutate(fixer(None));
    let Program::Module(module) = program else {
        unreachable!("a module stays a module")
    };
    let mut buf = Vec::new();
    {
        let mut emitter = Emitter {
            cfg: Config::default(),
            cm: cm.clone(),
            comments: None,
            wr: JsWriter::new(cm.clone(), "\n", &mut buf, None),
        };
        emitter
            .emit_module(&module)
            .expect("writing to a Vec cannot fail");
    }
    String::from_utf8(buf).expect("the code generator writes UTF-8")
}

/// The namespace objects the chunk uses, and the ones their members use,
/// in module order.
fn namespace_declarations(
    graph: &ModuleGraph,
    link: &Link,
    mut pending: BTreeSet<ModuleId>,
) -> String {
    let mut done = BTreeSet::new();
    let mut decls = Vec::new();
    while let Some(module) = pending.pop_first() {
        if !done.insert(module) {
            continue;
        }
        let members = link.tables.namespace_members(graph, module);
        let mut text = format!("var {} = __ns({{", link.names.namespaces[module.index()]);
        for (name, r) in &members {
            if let Ref::Namespace(t) = r {
                if !done.contains(t) {
                    pending.insert(*t);
                }
            }
            let _ = write!(
                text,
                "\n  {}: () => {},",
                property_key(name),
                ref_text(link, r)
            );
        }
        text.push_str(if members.is_empty() {
            "});\n"
        } else {
            "\n});\n"
        });
        decls.push((module, text));
    }
    decls.sort_by_key(|(m, _)| *m);
    decls.into_iter().map(|(_, t)| t).collect()
}

fn esm_exports(out: &mut String, link: &Link, members: &[(swc_atoms::Atom, Ref)]) {
    let mut local = Vec::new();
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
                let target = ref_text(link, r);
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
    let mut target = format!("(globalThis.{} ||= {{}})", parts[0]);
    for part in &parts[1..parts.len() - 1] {
        target = format!("({target}.{part} ||= {{}})");
    }
    format!("{target}.{}", parts[parts.len() - 1])
}

fn ref_text(link: &Link, r: &Ref) -> String {
    match r {
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
