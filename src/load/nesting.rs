//! How deep a module may nest, and the stacks deep trees need.
//!
//! swc's parser, visitors, transforms and code generator, weft's own passes
//! and the freeing of a tree all recurse, one or more frames per level of
//! the tree. So every thread that touches trees (the load workers, the
//! build thread that links and assembles a chunk, the printers, the thread
//! that frees what a build leaves) gets a stack of [`STACK_SIZE`], and a
//! module nested deeper than this is an error, at the first node beyond
//! the limit:
//!
//! * [`NESTING_LIMIT`] levels of nesting: each expression, statement,
//!   pattern, type, JSX element or namespace inside another is one level
//!   (`((x))` is three, as is `[[x]]`; a function that returns is two: the
//!   `return` and its expression);
//! * [`CHAIN_LIMIT`] links in a chain: the left operand of a binary
//!   operator (`1 + 1 + 1 …`), the object of a member access (`a.b.c …`),
//!   the callee of a call (`f()()…`), the tag of a tagged template, the
//!   expression of a TypeScript `as`, `satisfies` or `!`, and the left part
//!   of a dotted name in a type or a JSX tag. The parser builds these
//!   without recursing, so Node, which does too, takes sums of millions of
//!   terms; a link costs every pass less stack than a level.
//!
//! Node's own parser gives up sooner on every construct but chains: at
//! 1,639 nested parentheses, 2,011 arrays, 973 functions, 3,677 `else if`s
//! and, the most, 12,461 `!`s (Node 20, with its default stack).
//!
//! Two checks enforce the limits, both before the first pass that recurses:
//!
//! * [`check`] walks the parsed tree, descending no further than the
//!   limits. A tree it refuses is taken apart without recursion
//!   ([`dismantle`]), since freeing it would recurse as deep as it goes.
//! * The parser itself recurses before there is a tree to walk, so a source
//!   too long for its stack to hold whatever it nests is first counted by
//!   [`tokens`], which bounds how deep the parser will go; past the bound it
//!   is refused unparsed ([`too_deep_to_parse`]). The bound is four units
//!   per level allowed, and no source within the limits comes near it.
//!
//! The stack size holds both limits at once, in every pass and in the
//! parser at its bound, in a debug build (where generic passes cost the
//! most) and in a release build, with room to spare: the README's
//! "Nesting" gives the measurements.

mod tokens;

pub use tokens::Dialect;

use swc_common::util::take::Take;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Levels of nesting a module may have (see the module's documentation).
pub const NESTING_LIMIT: u32 = 20_000;

/// Links a chain may have (see the module's documentation).
pub const CHAIN_LIMIT: u32 = 100_000;

/// The stack of every thread that walks or frees modules' trees. It is
/// address space, reserved when the thread starts; the pages a build
/// touches are all it costs.
pub const STACK_SIZE: usize = 1 << 30;

/// A thread named `name` with the stack for trees.
pub fn thread(name: &str) -> std::thread::Builder {
    std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(STACK_SIZE)
}

/// The error when a thread for trees cannot start.
pub fn no_thread(error: std::io::Error) -> Diagnostics {
    Diagnostic::error(format!(
        "could not start a thread with a {} MiB stack: {error}",
        STACK_SIZE >> 20
    ))
    .with_hint(
        "weft's threads reserve stack for deeply nested code; allow the process more virtual memory",
    )
    .into()
}

/// What to do about a module nested too deep.
pub const HINT: &str = "split the nesting or the chain into smaller parts, such as functions or variables of their own";

/// The error for a source [`too_deep_to_parse`] refuses.
pub const TOO_DEEP_TO_PARSE: &str = "this code is nested too deep to parse";

/// Sources this long or shorter are parsed unchecked: the parser recurses
/// a level at most for each byte, and a level of its costliest construct
/// (an opening parenthesis, a type argument's `<`) takes under 4 KiB of
/// stack, which the load workers' stacks hold twice over.
const PARSED_UNCHECKED: usize = STACK_SIZE / (2 * (4 << 10));

/// Where `source` may nest deeper than the parser can go, if anywhere: the
/// byte offset of the token at which [`tokens`] counts past its limit.
pub fn too_deep_to_parse(source: &str, dialect: Dialect) -> Option<usize> {
    if source.len() <= PARSED_UNCHECKED {
        return None;
    }
    tokens::first_too_deep(source, dialect)
}

/// Which limit a module goes past, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooDeep {
    pub span: Span,
    pub chain: bool,
}

impl TooDeep {
    pub fn message(&self) -> String {
        if self.chain {
            format!("this chain is longer than weft's limit of {CHAIN_LIMIT} links")
        } else {
            format!("this code is nested deeper than weft's limit of {NESTING_LIMIT} levels")
        }
    }
}

/// Sources this long or shorter are within both limits, and are not
/// walked: each level of nesting or link of a chain is at least a byte of
/// source (`(`, `[`, `{`, `!`, `.`, an operator), but for the few levels
/// that wrap a module's first expression (its statement, and the like).
const WITHIN_LIMITS: usize = NESTING_LIMIT as usize - 64;

/// The first node of `program` beyond a limit, if any. Stops at the limits,
/// so it recurses no deeper than any other pass. `source_len`: the length
/// of the source it was parsed from.
pub fn check(program: &Program, source_len: usize) -> Option<TooDeep> {
    if source_len <= WITHIN_LIMITS {
        return None;
    }
    let mut depth = Depth::default();
    program.visit_with(&mut depth);
    depth.found
}

#[derive(Default)]
struct Depth {
    nesting: u32,
    chain: u32,
    /// Set just before visiting a node that is the next link of a chain.
    link: bool,
    found: Option<TooDeep>,
}

impl Depth {
    /// Walks into a node at `span`: one level, or one link if the parent
    /// said so.
    fn enter(&mut self, span: Span, walk: impl FnOnce(&mut Depth)) {
        if self.found.is_some() {
            return;
        }
        let chain = std::mem::take(&mut self.link);
        let (depth, limit) = if chain {
            (&mut self.chain, CHAIN_LIMIT)
        } else {
            (&mut self.nesting, NESTING_LIMIT)
        };
        if *depth == limit {
            self.found = Some(TooDeep { span, chain });
            return;
        }
        *depth += 1;
        walk(self);
        if chain {
            self.chain -= 1;
        } else {
            self.nesting -= 1;
        }
    }

    /// Visits `node` as the next link of a chain.
    fn link<N: VisitWith<Depth> + ?Sized>(&mut self, node: &N) {
        self.link = true;
        node.visit_with(self);
        self.link = false;
    }
}

impl Visit for Depth {
    fn visit_expr(&mut self, node: &Expr) {
        self.enter(node.span(), |v| node.visit_children_with(v));
    }

    fn visit_stmt(&mut self, node: &Stmt) {
        self.enter(node.span(), |v| node.visit_children_with(v));
    }

    fn visit_pat(&mut self, node: &Pat) {
        self.enter(node.span(), |v| node.visit_children_with(v));
    }

    fn visit_ts_type(&mut self, node: &TsType) {
        self.enter(node.span(), |v| node.visit_children_with(v));
    }

    fn visit_jsx_element(&mut self, node: &JSXElement) {
        self.enter(node.span, |v| node.visit_children_with(v));
    }

    fn visit_jsx_fragment(&mut self, node: &JSXFragment) {
        self.enter(node.span, |v| node.visit_children_with(v));
    }

    fn visit_ts_namespace_body(&mut self, node: &TsNamespaceBody) {
        self.enter(node.span(), |v| node.visit_children_with(v));
    }

    fn visit_bin_expr(&mut self, node: &BinExpr) {
        self.link(&node.left);
        node.right.visit_with(self);
    }

    fn visit_member_expr(&mut self, node: &MemberExpr) {
        self.link(&node.obj);
        node.prop.visit_with(self);
    }

    fn visit_call_expr(&mut self, node: &CallExpr) {
        self.link(&node.callee);
        node.args.visit_with(self);
        node.type_args.visit_with(self);
    }

    fn visit_opt_call(&mut self, node: &OptCall) {
        self.link(&node.callee);
        node.args.visit_with(self);
        node.type_args.visit_with(self);
    }

    fn visit_tagged_tpl(&mut self, node: &TaggedTpl) {
        self.link(&node.tag);
        node.type_params.visit_with(self);
        node.tpl.visit_with(self);
    }

    fn visit_ts_as_expr(&mut self, node: &TsAsExpr) {
        self.link(&node.expr);
        node.type_ann.visit_with(self);
    }

    fn visit_ts_satisfies_expr(&mut self, node: &TsSatisfiesExpr) {
        self.link(&node.expr);
        node.type_ann.visit_with(self);
    }

    fn visit_ts_non_null_expr(&mut self, node: &TsNonNullExpr) {
        self.link(&node.expr);
    }

    fn visit_ts_const_assertion(&mut self, node: &TsConstAssertion) {
        self.link(&node.expr);
    }

    fn visit_ts_entity_name(&mut self, node: &TsEntityName) {
        self.link = true;
        self.enter(node.span(), |v| node.visit_children_with(v));
    }

    fn visit_ts_qualified_name(&mut self, node: &TsQualifiedName) {
        node.left.visit_with(self);
    }

    fn visit_jsx_member_expr(&mut self, node: &JSXMemberExpr) {
        self.link = true;
        self.enter(node.span(), |v| node.obj.visit_with(v));
    }

    // Leaves: nothing to count below them.
    fn visit_ident(&mut self, _: &Ident) {}
    fn visit_ident_name(&mut self, _: &IdentName) {}
    fn visit_str(&mut self, _: &Str) {}
    fn visit_number(&mut self, _: &Number) {}
    fn visit_tpl_element(&mut self, _: &TplElement) {}
    fn visit_jsx_text(&mut self, _: &JSXText) {}
}

/// Takes `program` apart without recursing, however deep it is: every
/// expression, statement, pattern, type and JSX element is moved out of its
/// parent onto a list, and each node is freed once its children are out.
pub fn dismantle(program: Program) {
    let mut parts = Parts::default();
    let mut program = program;
    program.visit_mut_with(&mut parts);
    drop(program);
    while let Some(part) = parts.pending.pop() {
        let mut part = part;
        match &mut part {
            Part::Expr(node) => node.visit_mut_children_with(&mut parts),
            Part::Stmt(node) => node.visit_mut_children_with(&mut parts),
            Part::Pat(node) => node.visit_mut_children_with(&mut parts),
            Part::TsType(node) => node.visit_mut_children_with(&mut parts),
            Part::JsxElement(node) => node.visit_mut_children_with(&mut parts),
            Part::JsxFragment(node) => node.visit_mut_children_with(&mut parts),
            Part::Entity(node) => node.visit_mut_children_with(&mut parts),
            Part::Namespace(node) => node.visit_mut_children_with(&mut parts),
            Part::JsxObject(node) => node.visit_mut_children_with(&mut parts),
        }
    }
}

/// A node moved out of its parent, whose children are still to be moved.
enum Part {
    Expr(Expr),
    Stmt(Stmt),
    Pat(Pat),
    TsType(TsType),
    JsxElement(JSXElement),
    JsxFragment(JSXFragment),
    Entity(TsEntityName),
    Namespace(TsNamespaceBody),
    JsxObject(JSXObject),
}

#[derive(Default)]
struct Parts {
    pending: Vec<Part>,
}

impl VisitMut for Parts {
    fn visit_mut_expr(&mut self, node: &mut Expr) {
        let span = node.span();
        let taken = std::mem::replace(node, Expr::Invalid(Invalid { span }));
        self.pending.push(Part::Expr(taken));
    }

    fn visit_mut_stmt(&mut self, node: &mut Stmt) {
        let span = node.span();
        let taken = std::mem::replace(node, Stmt::Empty(EmptyStmt { span }));
        self.pending.push(Part::Stmt(taken));
    }

    fn visit_mut_pat(&mut self, node: &mut Pat) {
        let span = node.span();
        let taken = std::mem::replace(node, Pat::Invalid(Invalid { span }));
        self.pending.push(Part::Pat(taken));
    }

    fn visit_mut_ts_type(&mut self, node: &mut TsType) {
        let span = node.span();
        let leaf = TsType::TsKeywordType(TsKeywordType {
            span,
            kind: TsKeywordTypeKind::TsAnyKeyword,
        });
        self.pending
            .push(Part::TsType(std::mem::replace(node, leaf)));
    }

    fn visit_mut_jsx_element(&mut self, node: &mut JSXElement) {
        self.pending.push(Part::JsxElement(node.take()));
    }

    fn visit_mut_jsx_fragment(&mut self, node: &mut JSXFragment) {
        self.pending.push(Part::JsxFragment(node.take()));
    }

    fn visit_mut_ts_entity_name(&mut self, node: &mut TsEntityName) {
        let leaf = TsEntityName::Ident(Ident::dummy());
        self.pending
            .push(Part::Entity(std::mem::replace(node, leaf)));
    }

    fn visit_mut_ts_namespace_body(&mut self, node: &mut TsNamespaceBody) {
        let span = node.span();
        let leaf = TsNamespaceBody::TsModuleBlock(TsModuleBlock {
            span,
            body: Vec::new(),
        });
        self.pending
            .push(Part::Namespace(std::mem::replace(node, leaf)));
    }

    fn visit_mut_jsx_object(&mut self, node: &mut JSXObject) {
        let leaf = JSXObject::Ident(Ident::dummy());
        self.pending
            .push(Part::JsxObject(std::mem::replace(node, leaf)));
    }
}
