//! What the emit stage's unit tests share: a source parsed as the load
//! stage would leave it (resolved), passed through a transform, printed
//! minified.

use swc_common::{sync::Lrc, FileName, Globals, Mark, SourceMap, SyntaxContext, GLOBALS};
use swc_ecma_ast::*;
use swc_ecma_codegen::{text_writer::JsWriter, Config, Emitter};
use swc_ecma_parser::{parse_file_as_program, Syntax};
use swc_ecma_transforms_base::{fixer::fixer, resolver};
use swc_ecma_visit::VisitMutWith;

/// `src` as an ES module (`module`) or a script, resolved, given to
/// `transform` with its contexts for globals and for the top level, and
/// printed minified; `None` when `transform` says it did nothing.
pub fn printed(
    src: &str,
    module: bool,
    transform: impl FnOnce(&mut Program, SyntaxContext, SyntaxContext) -> bool,
) -> Option<String> {
    GLOBALS.set(&Globals::new(), || {
        let cm: Lrc<SourceMap> = Default::default();
        let file = cm.new_source_file(FileName::Anon.into(), src.to_string());
        let parsed = parse_file_as_program(
            &file,
            Syntax::Es(Default::default()),
            EsVersion::EsNext,
            None,
            &mut Vec::new(),
        )
        .expect("test source parses");
        let mut program = match (parsed, module) {
            (Program::Module(m), false) => Program::Script(Script {
                span: m.span,
                body: m.body.into_iter().filter_map(|i| i.stmt()).collect(),
                shebang: None,
            }),
            (Program::Script(s), true) => Program::Module(Module {
                span: s.span,
                body: s.body.into_iter().map(ModuleItem::Stmt).collect(),
                shebang: None,
            }),
            (program, _) => program,
        };
        let (unresolved, top_level) = (Mark::new(), Mark::new());
        program.visit_mut_with(&mut resolver(unresolved, top_level, false));
        let context = |mark| SyntaxContext::empty().apply_mark(mark);
        if !transform(&mut program, context(unresolved), context(top_level)) {
            return None;
        }
        program.visit_mut_with(&mut fixer(None));
        let mut out = Vec::new();
        Emitter {
            cfg: Config::default().with_minify(true),
            cm: cm.clone(),
            comments: None,
            wr: JsWriter::new(cm, "\n", &mut out, None),
        }
        .emit_program(&program)
        .expect("writing to a Vec cannot fail");
        Some(String::from_utf8(out).expect("printed code is UTF-8"))
    })
}
