//! The scalar state machine that the block masks and searches drive.
//!
//! [`Walker::step`] is called with the position of a significant byte (see
//! [`super::classify`]) and returns the first position it still needs to
//! see. It is a no-op on every other byte, which is what lets a driver skip
//! the runs between set bits or search hits: whatever context it needs from
//! those runs (the token before a `/`, the clause after `import`) it reads
//! back or ahead from the source itself, never past the last string,
//! comment, regex, template or JSX text it walked (the *floor*).

use super::classify::{is_ident, is_significant, KEYWORD_PREFIXES};
use super::{Dialect, Prescan, ScanKind, ScannedImport};

/// What the token before a position says about the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prev {
    /// An operand ended (identifier, literal, `)`, `]`, an object's `}`):
    /// `/` divides, `<` compares, `{` opens a block.
    Operand,
    /// A statement may start (file start, `;`, `{`, a block's `}`, `=>`,
    /// `else`): `/` starts a regex, `{` opens a block.
    Block,
    /// An operator or an expression keyword: `/` starts a regex, `{` opens an
    /// object literal.
    Expr,
}

impl Prev {
    fn starts_expression(self) -> bool {
        self != Prev::Operand
    }
}

/// What an open `{` (or JSX construct) returns to when it closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    Block,
    Object,
    /// `${` in a template literal.
    Substitution,
    /// `{` inside a JSX tag (an attribute value or spread).
    JsxAttrExpr,
    /// `{` among JSX children.
    JsxChildExpr,
    /// An open JSX element whose children are being walked.
    JsxElement,
    /// The outermost JSX element of an expression: closing it returns to code.
    JsxOuter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Code,
    Str {
        quote: u8,
    },
    Template,
    LineComment {
        resume: Prev,
    },
    BlockComment {
        start: usize,
        resume: Prev,
    },
    /// Between `<Name` and `>` or `/>`.
    JsxTag,
    /// A quoted JSX attribute value: no escapes.
    JsxAttrStr {
        quote: u8,
    },
    JsxText,
}

pub(crate) struct Walker<'a> {
    src: &'a [u8],
    dialect: Dialect,
    mode: Mode,
    stack: Vec<Frame>,
    /// Reading back from a code position stops here: before it lies a string,
    /// comment, regex, template or JSX element the walker already decided.
    floor: usize,
    /// The token before `floor`, as far as the next token is concerned.
    floor_prev: Prev,
    /// The last `}` walked in code, and whether it closed an object literal.
    last_close: Option<(usize, bool)>,
    pub(crate) out: Prescan,
}

const EXPR_KEYWORDS: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"instanceof",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"case",
    b"yield",
    b"await",
];
const BLOCK_KEYWORDS: &[&[u8]] = &[b"else", b"do", b"try", b"finally"];

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

impl<'a> Walker<'a> {
    /// A walker over `src`, and the position of the first byte it must see
    /// (past a hashbang line).
    pub(crate) fn new(src: &'a [u8], dialect: Dialect) -> (Walker<'a>, usize) {
        let start = if src.starts_with(b"#!") {
            src.iter().position(|&b| b == b'\n').unwrap_or(src.len())
        } else {
            0
        };
        let walker = Walker {
            src,
            dialect,
            mode: Mode::Code,
            stack: Vec::new(),
            floor: start,
            floor_prev: Prev::Block,
            last_close: None,
            out: Prescan::default(),
        };
        (walker, start)
    }

    /// Whether the walker is in code, where a block's code mask (see
    /// [`super::classify`]) holds every byte it reacts to.
    #[inline]
    pub(crate) fn in_code(&self) -> bool {
        self.mode == Mode::Code
    }

    /// Outside code, the bytes the walker reacts to (repeated to make four),
    /// for a driver to search for; a subset of [`is_significant`].
    #[inline]
    pub(crate) fn needles(&self) -> [u8; 4] {
        match self.mode {
            Mode::Str { quote } => [quote, b'\\', b'\n', quote],
            Mode::Template => [b'`', b'\\', b'$', b'`'],
            Mode::LineComment { .. } => [b'\n'; 4],
            // Only a `/` can end one.
            Mode::BlockComment { .. } => [b'/'; 4],
            Mode::JsxTag => [b'\'', b'"', b'{', b'>'],
            Mode::JsxAttrStr { quote } => [quote; 4],
            Mode::JsxText => [b'{', b'<', b'{', b'<'],
            Mode::Code => unreachable!("code is walked by its block masks"),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// Walks the byte at `p`; returns the next position to walk.
    pub(crate) fn step(&mut self, p: usize) -> usize {
        if !is_significant(self.src, p, self.dialect.jsx) {
            return p + 1;
        }
        self.step_significant(p)
    }

    /// [`Walker::step`] for a byte known to be significant.
    pub(crate) fn step_significant(&mut self, p: usize) -> usize {
        let b = self.src[p];
        match self.mode {
            Mode::Code => self.code(p, b),
            Mode::Str { quote } => match b {
                b'\\' if self.at(p + 1) == b'\r' && self.at(p + 2) == b'\n' => p + 3,
                b'\\' => p + 2,
                b'\n' => {
                    // An unterminated string ends at the line's end.
                    self.leave_to_code(p, Prev::Operand);
                    p + 1
                }
                _ if b == quote => {
                    self.leave_to_code(p + 1, Prev::Operand);
                    p + 1
                }
                _ => p + 1,
            },
            Mode::Template => match b {
                b'\\' => p + 2,
                b'`' => {
                    self.leave_to_code(p + 1, Prev::Operand);
                    p + 1
                }
                b'$' if self.at(p + 1) == b'{' => {
                    self.stack.push(Frame::Substitution);
                    self.leave_to_code(p + 2, Prev::Expr);
                    p + 2
                }
                _ => p + 1,
            },
            Mode::LineComment { resume } => {
                if b == b'\n' {
                    self.leave_to_code(p + 1, resume);
                }
                p + 1
            }
            Mode::BlockComment { start, resume } => {
                if b == b'/' && p >= start + 3 && self.src[p - 1] == b'*' {
                    self.leave_to_code(p + 1, resume);
                }
                p + 1
            }
            Mode::JsxTag => self.jsx_tag(p, b),
            Mode::JsxAttrStr { quote } => {
                if b == quote {
                    self.mode = Mode::JsxTag;
                }
                p + 1
            }
            Mode::JsxText => self.jsx_text(p, b),
        }
    }

    fn leave_to_code(&mut self, floor: usize, prev: Prev) {
        self.mode = Mode::Code;
        self.floor = floor;
        self.floor_prev = prev;
    }

    /// Walks the byte at `p` in code, where it is one of the code bytes or
    /// may start a keyword.
    #[inline]
    pub(crate) fn step_code(&mut self, p: usize) -> usize {
        self.code(p, self.src[p])
    }

    fn code(&mut self, p: usize, b: u8) -> usize {
        match b {
            b'\'' | b'"' => {
                self.mode = Mode::Str { quote: b };
                p + 1
            }
            b'`' => {
                self.mode = Mode::Template;
                p + 1
            }
            b'/' => match self.at(p + 1) {
                b'/' => {
                    let resume = self.prev(p);
                    self.mode = Mode::LineComment { resume };
                    p + 2
                }
                b'*' => {
                    let resume = self.prev(p);
                    self.mode = Mode::BlockComment { start: p, resume };
                    p + 2
                }
                _ if self.prev(p).starts_expression() => {
                    let end = regex_end(self.src, p);
                    self.leave_to_code(end, Prev::Operand);
                    end
                }
                _ => p + 1,
            },
            b'{' => {
                let frame = if self.prev(p) == Prev::Expr {
                    Frame::Object
                } else {
                    Frame::Block
                };
                self.stack.push(frame);
                p + 1
            }
            b'}' => {
                match self.stack.last() {
                    Some(Frame::Substitution) => {
                        self.stack.pop();
                        self.mode = Mode::Template;
                    }
                    Some(Frame::JsxAttrExpr) => {
                        self.stack.pop();
                        self.mode = Mode::JsxTag;
                    }
                    Some(Frame::JsxChildExpr) => {
                        self.stack.pop();
                        self.mode = Mode::JsxText;
                    }
                    Some(Frame::Object) => {
                        self.stack.pop();
                        self.last_close = Some((p, true));
                    }
                    Some(Frame::Block) => {
                        self.stack.pop();
                        self.last_close = Some((p, false));
                    }
                    // An unmatched `}`: keep whatever is open.
                    _ => self.last_close = Some((p, false)),
                }
                p + 1
            }
            b'<' if self.starts_jsx(p) => {
                self.stack.push(Frame::JsxOuter);
                self.mode = Mode::JsxTag;
                p + 1
            }
            b'i' | b'e' | b'r' | b'm'
                if (p == 0 || !is_ident(self.src[p - 1])) && may_be_keyword(self.src, p) =>
            {
                self.word(p)
            }
            _ => p + 1,
        }
    }

    /// The token before code position `p`, reading back no further than the
    /// floor.
    fn prev(&self, p: usize) -> Prev {
        let src = self.src;
        let Some(i) = self.last_non_space(p) else {
            return self.floor_prev;
        };
        match src[i] {
            b if is_ident(b) => {
                let mut start = i;
                while start > self.floor && is_ident(src[start - 1]) {
                    start -= 1;
                }
                let word = &src[start..=i];
                let keyword = if EXPR_KEYWORDS.contains(&word) {
                    Prev::Expr
                } else if BLOCK_KEYWORDS.contains(&word) {
                    Prev::Block
                } else {
                    return Prev::Operand;
                };
                // A keyword used as a property name (`a.return`) is not one.
                if self.is_member(start) {
                    Prev::Operand
                } else {
                    keyword
                }
            }
            b')' | b']' => Prev::Operand,
            b'}' if self.last_close == Some((i, true)) => Prev::Operand,
            b'}' | b';' | b'{' => Prev::Block,
            b'>' if i > self.floor && src[i - 1] == b'=' => Prev::Block,
            b @ (b'+' | b'-') if i > self.floor && src[i - 1] == b => Prev::Operand,
            _ => Prev::Expr,
        }
    }

    /// The last non-space byte before `p` and at or after the floor.
    fn last_non_space(&self, p: usize) -> Option<usize> {
        (self.floor..p).rev().find(|&i| !is_space(self.src[i]))
    }

    /// Whether the word starting at `p` follows a `.` (a property name), not
    /// counting a `...` spread.
    fn is_member(&self, p: usize) -> bool {
        match self.last_non_space(p) {
            Some(i) if self.src[i] == b'.' => i == 0 || self.src[i - 1] != b'.',
            _ => false,
        }
    }

    /// A `<` in code opens JSX when an expression may start there and a tag
    /// name or `>` follows; `<T,>` and `<T extends U>` are type parameters.
    fn starts_jsx(&self, p: usize) -> bool {
        if !self.dialect.jsx || !self.prev(p).starts_expression() {
            return false;
        }
        let next = self.at(p + 1);
        if next == b'>' {
            return true;
        }
        if !(next.is_ascii_alphabetic() || next == b'_' || next == b'$') {
            return false;
        }
        let name_end = word_end(self.src, p + 1);
        let after = skip_space(self.src, name_end);
        !(self.at(after) == b',' || word_at(self.src, after) == b"extends")
    }

    fn word(&mut self, p: usize) -> usize {
        let end = word_end(self.src, p);
        match &self.src[p..end] {
            b"import" if !self.is_member(p) => self.import(end),
            b"export" if !self.is_member(p) => self.export(end),
            b"require" if !self.is_member(p) => {
                self.out.commonjs_syntax = true;
                self.require(end)
            }
            b"module" | b"exports" if !self.is_member(p) => {
                self.out.commonjs_syntax = true;
                end
            }
            _ => end,
        }
    }

    fn import(&mut self, end: usize) -> usize {
        let src = self.src;
        let q = skip_trivia(src, end);
        match self.at(q) {
            b'(' => {
                let q = skip_trivia(src, q + 1);
                if let Some(lit) = string_literal(src, q) {
                    if matches!(self.at(skip_trivia(src, lit)), b')' | b',') {
                        return self.record(q..lit, ScanKind::Dynamic);
                    }
                }
                end
            }
            b'.' => {
                let m = skip_trivia(src, q + 1);
                if word_at(src, m) == b"meta" {
                    self.out.esm_syntax = true;
                    return m + 4;
                }
                end
            }
            _ if !self.stack.is_empty() => end,
            b'\'' | b'"' => match string_literal(src, q) {
                Some(lit) => {
                    self.out.esm_syntax = true;
                    self.record(q..lit, ScanKind::Import)
                }
                None => end,
            },
            _ => match import_clause(src, q, self.dialect.typescript) {
                Some((lit, type_only)) => self.declaration(lit, type_only, ScanKind::Import),
                None => end,
            },
        }
    }

    fn export(&mut self, end: usize) -> usize {
        if !self.stack.is_empty() {
            return end;
        }
        self.out.esm_syntax = true;
        match export_clause(self.src, end, self.dialect.typescript) {
            Some((lit, type_only)) => self.declaration(lit, type_only, ScanKind::ReExport),
            None => end,
        }
    }

    /// Records (or, for a type-only declaration, only steps over) the
    /// specifier literal `lit` of an import or re-export declaration.
    fn declaration(
        &mut self,
        lit: std::ops::Range<usize>,
        type_only: bool,
        kind: ScanKind,
    ) -> usize {
        if type_only {
            self.leave_to_code(lit.end, Prev::Operand);
            return lit.end;
        }
        self.out.esm_syntax = true;
        self.record(lit, kind)
    }

    fn require(&mut self, end: usize) -> usize {
        let src = self.src;
        let q = skip_trivia(src, end);
        if self.at(q) != b'(' {
            return end;
        }
        let q = skip_trivia(src, q + 1);
        match string_literal(src, q) {
            Some(lit) if self.at(skip_trivia(src, lit)) == b')' => {
                self.record(q..lit, ScanKind::Require)
            }
            _ => end,
        }
    }

    /// Records the string literal at `range` and resumes after it.
    fn record(&mut self, range: std::ops::Range<usize>, kind: ScanKind) -> usize {
        let end = range.end;
        let specifier = decode_literal(&self.src[range.start + 1..end - 1]);
        self.out.imports.push(ScannedImport {
            specifier,
            range,
            kind,
        });
        self.leave_to_code(end, Prev::Operand);
        end
    }

    fn jsx_tag(&mut self, p: usize, b: u8) -> usize {
        match b {
            b'\'' | b'"' => self.mode = Mode::JsxAttrStr { quote: b },
            b'{' => {
                self.stack.push(Frame::JsxAttrExpr);
                self.leave_to_code(p + 1, Prev::Block);
            }
            b'>' if p > 0 && self.src[p - 1] == b'/' => self.finish_element(p + 1),
            b'>' => {
                self.stack.push(Frame::JsxElement);
                self.mode = Mode::JsxText;
            }
            _ => {}
        }
        p + 1
    }

    fn jsx_text(&mut self, p: usize, b: u8) -> usize {
        match b {
            b'{' => {
                self.stack.push(Frame::JsxChildExpr);
                self.leave_to_code(p + 1, Prev::Block);
                p + 1
            }
            b'<' if self.at(p + 1) == b'/' => {
                let close = self.src[p..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(self.src.len(), |i| p + i + 1);
                if self.stack.last() == Some(&Frame::JsxElement) {
                    self.stack.pop();
                }
                self.finish_element(close);
                close
            }
            b'<' => {
                self.mode = Mode::JsxTag;
                p + 1
            }
            _ => p + 1,
        }
    }

    /// An element ended just before `end`: back to its parent's children, or
    /// to code when it was the outermost.
    fn finish_element(&mut self, end: usize) {
        if self.stack.last() == Some(&Frame::JsxElement) {
            self.mode = Mode::JsxText;
            return;
        }
        if self.stack.last() == Some(&Frame::JsxOuter) {
            self.stack.pop();
        }
        self.leave_to_code(end, Prev::Operand);
    }
}

/// A quick test on the first three bytes of the word at `p`: most words
/// starting with `i`, `e`, `r` or `m` are not the keywords that matter.
fn may_be_keyword(src: &[u8], p: usize) -> bool {
    src.get(p..p + 3)
        .is_some_and(|three| KEYWORD_PREFIXES.iter().any(|k| k == three))
}

fn word_end(src: &[u8], p: usize) -> usize {
    p + src[p..].iter().take_while(|&&b| is_ident(b)).count()
}

fn word_at(src: &[u8], p: usize) -> &[u8] {
    if p >= src.len() {
        return &[];
    }
    &src[p..word_end(src, p)]
}

fn skip_space(src: &[u8], mut p: usize) -> usize {
    while p < src.len() && is_space(src[p]) {
        p += 1;
    }
    p
}

/// Skips whitespace and comments.
fn skip_trivia(src: &[u8], mut p: usize) -> usize {
    loop {
        p = skip_space(src, p);
        if src.get(p) != Some(&b'/') {
            return p;
        }
        match src.get(p + 1) {
            Some(b'/') => {
                p = src[p..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(src.len(), |i| p + i);
            }
            Some(b'*') => {
                p = src[p + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(src.len(), |i| p + 2 + i + 2);
            }
            _ => return p,
        }
    }
}

/// The end (exclusive) of the string literal starting at `p`: a quoted
/// string, or a template literal without substitutions. `None` when there is
/// none, or it is unterminated.
fn string_literal(src: &[u8], p: usize) -> Option<usize> {
    let quote = *src.get(p)?;
    if !matches!(quote, b'\'' | b'"' | b'`') {
        return None;
    }
    let mut i = p + 1;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b'\n' if quote != b'`' => return None,
            b'$' if quote == b'`' && src.get(i + 1) == Some(&b'{') => return None,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The end of the regular expression literal whose opening `/` is at `p`
/// (flags included). An unterminated one ends at the line's end.
fn regex_end(src: &[u8], p: usize) -> usize {
    let mut i = p + 1;
    let mut in_class = false;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 1,
            b'\n' | b'\r' => return i,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'/' if !in_class => return word_end(src, i + 1),
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// After `import` (trivia skipped): `Some((specifier literal, type_only))`
/// when an import clause followed by `from 'x'` starts at `p`.
fn import_clause(
    src: &[u8],
    mut p: usize,
    typescript: bool,
) -> Option<(std::ops::Range<usize>, bool)> {
    let mut tokens = 0usize;
    let mut first_is_type = false;
    let mut type_only = false;
    loop {
        p = skip_trivia(src, p);
        match *src.get(p)? {
            b'{' => {
                p = named_bindings_end(src, p)?;
            }
            b'*' | b',' => p += 1,
            b if is_ident(b) => {
                let word = word_at(src, p);
                if word == b"from" && tokens > 0 {
                    let q = skip_trivia(src, p + 4);
                    if let Some(end) = string_literal(src, q) {
                        if src[q] != b'`' {
                            return Some((q..end, type_only));
                        }
                    }
                }
                if tokens == 0 && word == b"type" {
                    first_is_type = true;
                }
                p += word.len();
            }
            _ => return None,
        }
        if tokens == 1 && first_is_type && typescript {
            // `import type X`, `import type {`, `import type *`; not
            // `import type, {…}` nor `import type from 'x'`.
            type_only = src[p - 1] != b',';
        }
        tokens += 1;
    }
}

/// After `export`: `Some((specifier literal, type_only))` when a re-export
/// (`export * from`, `export * as ns from`, `export { … } from`) follows.
fn export_clause(
    src: &[u8],
    end: usize,
    typescript: bool,
) -> Option<(std::ops::Range<usize>, bool)> {
    let mut p = skip_trivia(src, end);
    let mut type_only = false;
    if typescript && word_at(src, p) == b"type" {
        type_only = true;
        p = skip_trivia(src, p + 4);
    }
    match *src.get(p)? {
        b'{' => p = named_bindings_end(src, p)?,
        b'*' => {
            p = skip_trivia(src, p + 1);
            if word_at(src, p) == b"as" {
                p = skip_trivia(src, p + 2);
                p = match string_literal(src, p) {
                    Some(end) => end,
                    None => p + word_at(src, p).len(),
                };
            }
        }
        _ => return None,
    }
    p = skip_trivia(src, p);
    if word_at(src, p) != b"from" {
        return None;
    }
    let q = skip_trivia(src, p + 4);
    let lit = string_literal(src, q)?;
    (src[q] != b'`').then_some((q..lit, type_only))
}

/// The end of `{ a, b as c, "d" as e, type f }` starting at `p`; `None` on
/// anything a list of bindings cannot hold.
fn named_bindings_end(src: &[u8], mut p: usize) -> Option<usize> {
    p += 1;
    loop {
        p = skip_trivia(src, p);
        match *src.get(p)? {
            b'}' => return Some(p + 1),
            b',' => p += 1,
            b'\'' | b'"' => p = string_literal(src, p)?,
            b if is_ident(b) => p = word_end(src, p),
            _ => return None,
        }
    }
}

/// The value of a string literal's body, escapes decoded; bytes that are not
/// UTF-8 become U+FFFD.
fn decode_literal(body: &[u8]) -> String {
    if !body.contains(&b'\\') {
        return utf8_lossy(body);
    }
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let Some(&e) = body.get(i + 1) else {
            break;
        };
        i += 2;
        let simple = match e {
            b'n' => Some('\n'),
            b't' => Some('\t'),
            b'r' => Some('\r'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'v' => Some('\u{b}'),
            b'0' => Some('\0'),
            _ => None,
        };
        if let Some(c) = simple {
            push_char(&mut out, c);
            continue;
        }
        match e {
            // A line continuation contributes nothing.
            b'\n' => {}
            b'\r' => {
                if body.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'x' => match hex(body.get(i..i + 2)) {
                Some(c) => {
                    push_char(&mut out, c);
                    i += 2;
                }
                None => out.push(b'x'),
            },
            b'u' if body.get(i) == Some(&b'{') => {
                let close = body[i..].iter().position(|&b| b == b'}');
                match close.and_then(|c| hex(body.get(i + 1..i + c)).map(|ch| (c, ch))) {
                    Some((c, ch)) => {
                        push_char(&mut out, ch);
                        i += c + 1;
                    }
                    None => out.push(b'u'),
                }
            }
            b'u' => match hex(body.get(i..i + 4)) {
                Some(c) => {
                    push_char(&mut out, c);
                    i += 4;
                }
                None => out.push(b'u'),
            },
            other => out.push(other),
        }
    }
    utf8_lossy(&out)
}

/// `bytes` as a string, bytes that are not UTF-8 replaced by U+FFFD.
fn utf8_lossy(bytes: &[u8]) -> String {
    // `from_utf8` checks ASCII a word at a time, which the lossy conversion
    // does not; specifiers are nearly always valid.
    match std::str::from_utf8(bytes) {
        Ok(valid) => valid.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn hex(digits: Option<&[u8]>) -> Option<char> {
    let digits = std::str::from_utf8(digits?).ok()?;
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    char::from_u32(u32::from_str_radix(digits, 16).ok()?)
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}
