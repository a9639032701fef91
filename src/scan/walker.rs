//! The scalar state machine that the block masks and searches drive.
//!
//! [`Walker::step`] is called with the position of a significant byte (see
//! [`super::classify`]) and returns the first position it still needs to
//! see. It is a no-op on every other byte, which is what lets a driver skip
//! the runs between set bits or search hits: whatever context it needs from
//! those runs (the token before a `/`, the clause after `import`) it reads
//! back or ahead from the source itself, never past the last string,
//! comment, regex, template or JSX text it walked (the *floor*).
//!
//! A string, comment or template that starts in code is walked to its end
//! (or to a `${`) in one step, searching with the driver's search for the
//! few bytes it reacts to: code resumes right after it, with no trip back
//! through the driver. Only JSX text and tags are states the driver walks
//! through itself.

use std::borrow::Cow;

use super::classify::{is_ident, is_significant, KEYWORD_PREFIXES};
use super::{Dialect, Prescan, ScanKind, ScannedImport};

/// What the token before a position says about the next one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Prev {
    /// An operand ended (identifier, literal, `)`, `]`, an object's `}`):
    /// `/` divides, `<` compares, `{` opens a block.
    Operand,
    /// A statement may start (file start, `;`, `{`, a block's `}`, `=>`,
    /// `else`): `/` starts a regex, `{` opens a block.
    #[default]
    Block,
    /// An operator or an expression keyword: `/` starts a regex, `{` opens an
    /// object literal.
    Expr,
    /// A `}` that was counted, not tracked (see [`Walker::count_braces`]):
    /// an operand or a statement may end there.
    Counted,
}

/// An open `{` of a block or an object literal, with what tells the two
/// apart: the token before it, read back no further than the floor of the
/// time. Only a `/` or `<` right after the matching `}` needs to know, so
/// the read back waits until one does.
#[derive(Clone, Copy, Debug, Default)]
struct OpenBrace {
    at: usize,
    floor: usize,
    floor_prev: Prev,
}

/// An open construct other than a block or an object literal: what its
/// closing `}` (or JSX tag) returns to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
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
    /// Between `<Name` and `>` or `/>`.
    JsxTag,
    /// A quoted JSX attribute value: no escapes.
    JsxAttrStr {
        quote: u8,
    },
    JsxText,
}

/// A string literal that may be a specifier.
struct Literal {
    /// Quotes included.
    range: std::ops::Range<usize>,
    /// Whether it holds a `\\`: only then must its value be decoded.
    escaped: bool,
}

/// The position of the first byte at or after `from` of `src` that is one
/// of `needles`, or `src.len()` when there is none (see
/// [`super::classify::find_scalar`]).
pub(crate) trait Find: Fn(&[u8], usize, [u8; 4]) -> usize {}

impl<F: Fn(&[u8], usize, [u8; 4]) -> usize> Find for F {}

pub(crate) struct Walker<'a, F> {
    src: &'a [u8],
    /// Searches strings, comments, templates and JSX. It may stop at bytes
    /// that are not needles too, as the reference scan does at every
    /// significant byte: the walker steps over those.
    find: F,
    dialect: Dialect,
    mode: Mode,
    /// The open braces of blocks and object literals are `braces[..depth]`,
    /// innermost last, where they are tracked. A brace that was only counted
    /// (see [`Walker::count_braces`]) is in `depth` alone: its slot may hold
    /// anything, or not be there yet, and no one reads it, for a counted `}`
    /// reads as [`Prev::Counted`]. Kept apart from `frames` so that walking a
    /// brace is a push or a pop: a `}` looks at `frames` only when no brace
    /// is open inside the innermost. The slots from `depth` on are scratch,
    /// so that a brace is walked without branching on which one it is:
    /// either kind writes the slot at `depth`, then `{` keeps it and `}`
    /// steps below it (see [`Walker::walk_braces`]).
    braces: Vec<OpenBrace>,
    /// The number of open braces.
    depth: usize,
    /// The open template substitutions and JSX constructs, innermost last,
    /// each with the number of braces open outside it.
    frames: Vec<(Frame, usize)>,
    /// Reading back from a code position stops here: before it lies a string,
    /// comment, regex, template or JSX element the walker already decided.
    floor: usize,
    /// The token before `floor`, as far as the next token is concerned.
    floor_prev: Prev,
    /// Where the last `}` walked in code is, when it closed a brace;
    /// [`NO_CLOSE`] after an unmatched one, which reads like a block's. The
    /// brace it closed stays in `braces[depth]` until the next `{`, after
    /// which the `}` is no longer the token before anything: it is read only
    /// while it is.
    last_close: usize,
    /// Whether the braces outside every frame are tracked too, or only
    /// counted (see [`Walker::count_braces`]).
    track_all: bool,
    /// Set when the walk needed what a counted brace would have told (see
    /// [`Walker::lost`]).
    lost: std::cell::Cell<bool>,
    pub(crate) out: Prescan<'a>,
}

/// [`Walker::last_close`] when no `}` closed a brace.
const NO_CLOSE: usize = usize::MAX;

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

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

impl<'a, F: Find> Walker<'a, F> {
    /// A walker over `src` that searches with `find`, and the position of
    /// the first byte it must see (past a hashbang line). With `track_all`
    /// it tracks every brace; without, it may only count those outside
    /// template substitutions and JSX, and can lose its way.
    pub(crate) fn new(
        src: &'a [u8],
        dialect: Dialect,
        find: F,
        track_all: bool,
    ) -> (Walker<'a, F>, usize) {
        let start = if src.starts_with(b"#!") {
            src.iter().position(|&b| b == b'\n').unwrap_or(src.len())
        } else {
            0
        };
        let walker = Walker {
            src,
            find,
            dialect,
            mode: Mode::Code,
            braces: Vec::new(),
            depth: 0,
            frames: Vec::new(),
            floor: start,
            floor_prev: Prev::Block,
            last_close: NO_CLOSE,
            track_all,
            lost: std::cell::Cell::new(false),
            // Most modules import a few others: room for them without
            // growing the list on the way.
            out: Prescan {
                imports: Vec::with_capacity(8),
                ..Prescan::default()
            },
        };
        (walker, start)
    }

    /// Whether the walker is in code, where a block's code masks (see
    /// [`super::classify`]) hold every byte it reacts to; outside it, it is
    /// in JSX.
    #[inline]
    pub(crate) fn in_code(&self) -> bool {
        self.mode == Mode::Code
    }

    /// Outside code, the bytes the walker reacts to (repeated to make four),
    /// for a driver to search for; a subset of [`is_significant`].
    #[inline]
    pub(crate) fn needles(&self) -> [u8; 4] {
        match self.mode {
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

    // Inlined into each driver, with the string, comment and template
    // walks below: their searches then run the driver's instructions in
    // place, with no call.
    #[inline(always)]
    fn code(&mut self, p: usize, b: u8) -> usize {
        match b {
            b'\'' | b'"' => self.string(p, b),
            b'`' => self.template(p + 1),
            b'/' => match self.at(p + 1) {
                b'/' => self.line_comment(p),
                b'*' => self.block_comment(p),
                _ if self.starts_expression(p) => {
                    let end = regex_end(self.src, p);
                    self.leave_to_code(end, Prev::Operand);
                    end
                }
                _ => p + 1,
            },
            b'{' | b'}' => self.walk_braces_in_turn(p, 1).unwrap_or(p + 1),
            b'<' if self.starts_jsx(p) => {
                self.push_frame(Frame::JsxOuter);
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

    /// Whether the next braces must be tracked with
    /// [`Walker::walk_braces`], or may only be counted with
    /// [`Walker::count_braces`]: inside a substitution or JSX expression a
    /// `}` may close it, so there they are always tracked.
    #[inline(always)]
    pub(crate) fn tracks_braces(&self) -> bool {
        self.track_all || !self.frames.is_empty()
    }

    /// Whether a walk that counted braces needed to know what one of them
    /// closed: the token before a `/` (regex or division?) or a `<` (JSX?)
    /// was a `}` that may have ended an object literal. It may have gone
    /// wrong after that, and must be walked again tracking every brace.
    /// That takes a `}` then a regex or JSX with nothing else between,
    /// which is rare: counting is what makes the pre-scan fast, for a brace
    /// is a third of the bytes that matter in code.
    pub(crate) fn lost(&self) -> bool {
        self.lost.get()
    }

    /// Walks the `{` at the set bits of `opens` and the `}` at those of
    /// `closes`, in code outside every frame with nothing else that matters
    /// between them, counting them: only the depth of braces is kept, not
    /// where each one opened. A `}` that closes no brace is passed over.
    #[inline(always)]
    pub(crate) fn count_braces(&mut self, opens: u64, closes: u64) {
        let pops = closes.count_ones() as usize;
        if pops <= self.depth {
            // No `}` can find the depth at zero, whatever the order.
            self.depth = self.depth - pops + opens.count_ones() as usize;
            return;
        }
        let mut bits = opens | closes;
        while bits != 0 {
            if opens & bits & bits.wrapping_neg() != 0 {
                self.depth += 1;
            } else {
                self.depth = self.depth.saturating_sub(1);
            }
            bits &= bits - 1;
        }
    }

    /// Walks the `{` at the set bits of `opens` and the `}` at those of
    /// `closes` (bit `i` for the byte at `block_start + i`), in code with
    /// nothing else that matters between them. Stops at a `}` that ends a
    /// substitution or a JSX expression, returning where the walk resumes
    /// (see [`Walker::close_frame`]).
    ///
    /// Most runs of braces between two other bytes that matter are some `}`
    /// then at most one `{` (`}`, `{`, `} else {`, `}}`, or none at all),
    /// none of which closes a frame: such a run is walked by counting bits,
    /// with no branch on where its braces are, for runs follow each other
    /// with no pattern a branch predictor could learn. The others (`{}`,
    /// `{ {`) are walked one brace at a time.
    #[inline(always)]
    pub(crate) fn walk_braces(
        &mut self,
        block_start: usize,
        opens: u64,
        closes: u64,
    ) -> Option<usize> {
        let first_open = opens & opens.wrapping_neg();
        let (pops, pushes) = (closes.count_ones() as usize, opens.count_ones() as usize);
        let outside = self.frames.last().map_or(0, |&(_, braces)| braces);
        // Every `}` before the `{`, if any, and each closes a brace.
        let simple = pushes <= 1
            && closes & !first_open.wrapping_sub(1) == 0
            && self.depth >= outside + pops;
        if !simple {
            return self.walk_braces_in_turn(block_start, opens | closes);
        }
        self.depth -= pops;
        if closes != 0 {
            self.last_close = block_start + (u64::BITS - 1 - closes.leading_zeros()) as usize;
        }
        // The `{`, or a write to the scratch slot above the brace the last
        // `}` closed when there is none.
        let slot = self.depth + usize::from(pushes == 0);
        // Room for the slot and the scratch slot above it.
        if self.braces.len() <= slot + 1 {
            self.braces.resize(2 * (slot + 1), OpenBrace::default());
        }
        self.braces[slot] = OpenBrace {
            at: block_start + first_open.trailing_zeros() as usize,
            floor: self.floor,
            floor_prev: self.floor_prev,
        };
        self.depth += pushes;
        None
    }

    /// [`Walker::walk_braces`] for any run, one brace at a time: the set
    /// bits of `bits` are the braces.
    fn walk_braces_in_turn(&mut self, block_start: usize, mut bits: u64) -> Option<usize> {
        // Room for every brace in `bits` to open, and the scratch slot above.
        let room = self.depth + bits.count_ones() as usize + 1;
        if self.braces.len() < room {
            let grown = room.max(2 * self.braces.len());
            self.braces.resize(grown, OpenBrace::default());
        }
        let outside = self.frames.last().map_or(0, |&(_, braces)| braces);
        while bits != 0 {
            let p = block_start + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let open = self.src[p] == b'{';
            if !open && self.depth == outside {
                match self.close_frame(p) {
                    Some(resume) => return Some(resume),
                    None => continue,
                }
            }
            // A `{` pushes itself; a `}` writes the scratch slot above the
            // innermost brace, then pops that brace.
            self.braces[self.depth] = OpenBrace {
                at: p,
                floor: self.floor,
                floor_prev: self.floor_prev,
            };
            if open {
                self.depth += 1;
            } else {
                self.depth -= 1;
                self.last_close = p;
            }
        }
        None
    }

    /// Walks the `}` at `p` when no brace is open inside the innermost
    /// frame. When it ends a substitution or a JSX expression, returns where
    /// the walk resumes: past the rest of the template up to its end or next
    /// `${`, or in JSX.
    fn close_frame(&mut self, p: usize) -> Option<usize> {
        match self.innermost_frame() {
            Some(Frame::Substitution) => {
                self.frames.pop();
                return Some(self.template(p + 1));
            }
            Some(Frame::JsxAttrExpr) => {
                self.frames.pop();
                self.mode = Mode::JsxTag;
            }
            Some(Frame::JsxChildExpr) => {
                self.frames.pop();
                self.mode = Mode::JsxText;
            }
            // An unmatched `}`: keep whatever is open.
            _ => {
                self.last_close = NO_CLOSE;
                return None;
            }
        }
        Some(p + 1)
    }

    /// The first of `needles` at or after `from`, and which byte it is;
    /// `None` at the end of the source. The reference scan's search stops at
    /// other bytes too, which the walks below step over.
    #[inline(always)]
    fn search(&self, from: usize, needles: [u8; 4]) -> Option<(usize, u8)> {
        let i = (self.find)(self.src, from, needles);
        Some((i, *self.src.get(i)?))
    }

    /// Walks the string literal whose opening quote is at `p`; returns where
    /// code resumes.
    #[inline(always)]
    fn string(&mut self, p: usize, quote: u8) -> usize {
        let mut i = p + 1;
        loop {
            let Some((at, b)) = self.search(i, [quote, b'\\', b'\n', quote]) else {
                return self.src.len();
            };
            i = match b {
                b'\\' if self.at(at + 1) == b'\r' && self.at(at + 2) == b'\n' => at + 3,
                b'\\' => at + 2,
                b'\n' => {
                    // An unterminated string ends at the line's end.
                    self.leave_to_code(at, Prev::Operand);
                    return at + 1;
                }
                _ if b == quote => {
                    self.leave_to_code(at + 1, Prev::Operand);
                    return at + 1;
                }
                _ => at + 1,
            };
        }
    }

    /// Walks a template literal from `p`, just past its opening backtick or
    /// a substitution's `}`; returns where code resumes: past its closing
    /// backtick, or inside its next substitution.
    #[inline(always)]
    fn template(&mut self, p: usize) -> usize {
        let mut i = p;
        loop {
            let Some((at, b)) = self.search(i, [b'`', b'\\', b'$', b'`']) else {
                return self.src.len();
            };
            i = match b {
                b'\\' => at + 2,
                b'`' => {
                    self.leave_to_code(at + 1, Prev::Operand);
                    return at + 1;
                }
                b'$' if self.at(at + 1) == b'{' => {
                    self.push_frame(Frame::Substitution);
                    self.leave_to_code(at + 2, Prev::Expr);
                    return at + 2;
                }
                _ => at + 1,
            };
        }
    }

    /// Walks the line comment starting at `p`; returns where code resumes.
    #[inline(always)]
    fn line_comment(&mut self, p: usize) -> usize {
        let mut i = p + 2;
        loop {
            let Some((at, b)) = self.search(i, [b'\n'; 4]) else {
                return self.src.len();
            };
            if b == b'\n' {
                self.leave_comment(p, at + 1);
                return at + 1;
            }
            i = at + 1;
        }
    }

    /// Walks the block comment starting at `p`; returns where code resumes.
    #[inline(always)]
    fn block_comment(&mut self, p: usize) -> usize {
        let mut i = p + 2;
        loop {
            // Only a `/` can end it.
            let Some((at, b)) = self.search(i, [b'/'; 4]) else {
                return self.src.len();
            };
            if b == b'/' && at >= p + 3 && self.src[at - 1] == b'*' {
                self.leave_comment(p, at + 1);
                return at + 1;
            }
            i = at + 1;
        }
    }

    /// Resumes code at `end`, after the comment starting at `start`. The
    /// comment becomes the floor, so the token before it must be known to
    /// whatever reads back that far: only the token right after the comment
    /// can, and only a `/`, `<` or `{` reads back at all. For any other the
    /// read back across the comment is skipped.
    #[inline(always)]
    fn leave_comment(&mut self, start: usize, end: usize) {
        let resume = match self.at(skip_space_after_comment(self.src, end)) {
            b'/' | b'<' | b'{' => self.prev(start),
            // Never read.
            _ => Prev::Block,
        };
        self.leave_to_code(end, resume);
    }

    fn push_frame(&mut self, frame: Frame) {
        self.frames.push((frame, self.depth));
    }

    /// The innermost open construct, unless it is a brace.
    fn innermost_frame(&self) -> Option<Frame> {
        match self.frames.last() {
            Some(&(frame, outside)) if outside == self.depth => Some(frame),
            _ => None,
        }
    }

    /// Whether nothing is open: code at the top level of the module.
    fn at_top_level(&self) -> bool {
        self.depth == 0 && self.frames.is_empty()
    }

    /// The token before code position `p`, reading back no further than the
    /// floor.
    #[inline(always)]
    fn prev(&self, p: usize) -> Prev {
        self.token_before(p, self.floor, self.floor_prev, self.last_close)
    }

    /// Whether an expression may start at code position `p`. When the token
    /// before it is a `}` that was only counted, no one knows, and the walk
    /// has lost its way.
    #[inline(always)]
    fn starts_expression(&self, p: usize) -> bool {
        match self.prev(p) {
            Prev::Operand => false,
            Prev::Counted => {
                self.lost.set(true);
                false
            }
            Prev::Block | Prev::Expr => true,
        }
    }

    /// Whether `open` opened an object literal rather than a block.
    fn opens_object(&self, open: OpenBrace) -> bool {
        // A `}` before it reads as ending an operand or a block, neither of
        // which starts an expression, so what it closed does not matter here.
        self.token_before(open.at, open.floor, open.floor_prev, NO_CLOSE) == Prev::Expr
    }

    /// The token before `p`, reading back no further than `floor` (before
    /// which `floor_prev` holds); a `}` there closed `braces[depth]` when it
    /// is at `last_close` (see [`Walker::last_close`]).
    #[inline(always)]
    fn token_before(&self, p: usize, floor: usize, floor_prev: Prev, last_close: usize) -> Prev {
        let src = self.src;
        let Some(i) = last_non_space(src, floor, p) else {
            return floor_prev;
        };
        match src[i] {
            b if is_ident(b) => {
                let mut start = i;
                while start > floor && is_ident(src[start - 1]) {
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
                if is_member(src, floor, start) {
                    Prev::Operand
                } else {
                    keyword
                }
            }
            b')' | b']' => Prev::Operand,
            b'}' if !self.tracks_braces() => Prev::Counted,
            b'}' if i == last_close && self.opens_object(self.braces[self.depth]) => Prev::Operand,
            b'}' => Prev::Block,
            b';' | b'{' => Prev::Block,
            b'>' if i > floor && src[i - 1] == b'=' => Prev::Block,
            b @ (b'+' | b'-') if i > floor && src[i - 1] == b => Prev::Operand,
            _ => Prev::Expr,
        }
    }

    /// A `<` in code opens JSX when an expression may start there and a tag
    /// name or `>` follows; `<T,>` and `<T extends U>` are type parameters.
    fn starts_jsx(&self, p: usize) -> bool {
        if !self.dialect.jsx || !self.starts_expression(p) {
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
        !(self.at(after) == b',' || word_is(self.src, after, b"extends"))
    }

    /// Walks the word at `p`, which starts with one of the keyword
    /// prefixes; returns where code resumes. Past a word that is not one of
    /// the keywords that matters, that may be anywhere in it: the rest of a
    /// word follows an identifier byte, so none of it starts a word.
    fn word(&mut self, p: usize) -> usize {
        let src = self.src;
        let is = |keyword: &[u8]| word_is(src, p, keyword);
        let member = || is_member(src, self.floor, p);
        if is(b"import") {
            if !member() {
                return self.import(p + 6);
            }
        } else if is(b"export") {
            if !member() {
                return self.export(p + 6);
            }
        } else if is(b"require") {
            if !member() {
                self.out.commonjs_syntax = true;
                return self.require(p + 7);
            }
        } else if (is(b"module") || is(b"exports")) && !member() {
            self.out.commonjs_syntax = true;
        }
        p + 3
    }

    fn import(&mut self, end: usize) -> usize {
        let src = self.src;
        let q = skip_trivia(src, end);
        match self.at(q) {
            b'(' => {
                let q = skip_trivia(src, q + 1);
                if let Some(lit) = self.literal(q) {
                    if matches!(self.at(skip_trivia(src, lit.range.end)), b')' | b',') {
                        return self.record(lit, ScanKind::Dynamic);
                    }
                }
                end
            }
            b'.' => {
                let m = skip_trivia(src, q + 1);
                if word_is(src, m, b"meta") {
                    self.out.esm_syntax = true;
                    return m + 4;
                }
                end
            }
            _ if !self.at_top_level() => end,
            b'\'' | b'"' => match self.literal(q) {
                Some(lit) => {
                    self.out.esm_syntax = true;
                    self.record(lit, ScanKind::Import)
                }
                None => end,
            },
            _ => match self.import_clause(q) {
                Some((lit, type_only)) => self.declaration(lit, type_only, ScanKind::Import),
                None => end,
            },
        }
    }

    fn export(&mut self, end: usize) -> usize {
        if !self.at_top_level() {
            return end;
        }
        self.out.esm_syntax = true;
        match self.export_clause(end) {
            Some((lit, type_only)) => self.declaration(lit, type_only, ScanKind::ReExport),
            None => end,
        }
    }

    /// Records (or, for a type-only declaration, only steps over) the
    /// specifier literal `lit` of an import or re-export declaration.
    fn declaration(&mut self, lit: Literal, type_only: bool, kind: ScanKind) -> usize {
        if type_only {
            self.leave_to_code(lit.range.end, Prev::Operand);
            return lit.range.end;
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
        match self.literal(q) {
            Some(lit) if self.at(skip_trivia(src, lit.range.end)) == b')' => {
                self.record(lit, ScanKind::Require)
            }
            _ => end,
        }
    }

    /// Records the string literal `lit` and resumes after it.
    fn record(&mut self, lit: Literal, kind: ScanKind) -> usize {
        let Literal { range, escaped } = lit;
        let end = range.end;
        let body = &self.src[range.start + 1..end - 1];
        let specifier = if escaped {
            Cow::Owned(decode_escapes(body))
        } else {
            utf8_lossy(body)
        };
        self.out.imports.push(ScannedImport {
            specifier,
            range,
            kind,
        });
        self.leave_to_code(end, Prev::Operand);
        end
    }

    /// The string literal starting at `p`: a quoted string, or a template
    /// literal without substitutions. `None` when there is none, or it is
    /// unterminated.
    fn literal(&self, p: usize) -> Option<Literal> {
        let quote = *self.src.get(p)?;
        if !matches!(quote, b'\'' | b'"' | b'`') {
            return None;
        }
        let mut escaped = false;
        let mut i = p + 1;
        loop {
            let (at, b) = self.search(i, [quote, b'\\', b'\n', b'$'])?;
            i = match b {
                b'\\' => {
                    escaped = true;
                    at + 2
                }
                b'\n' if quote != b'`' => return None,
                b'$' if quote == b'`' && self.at(at + 1) == b'{' => return None,
                _ if b == quote => {
                    return Some(Literal {
                        range: p..at + 1,
                        escaped,
                    })
                }
                _ => at + 1,
            };
        }
    }

    /// After `import` (trivia skipped): `Some((specifier literal, type_only))`
    /// when an import clause followed by `from 'x'` starts at `p`.
    fn import_clause(&self, mut p: usize) -> Option<(Literal, bool)> {
        let src = self.src;
        let mut tokens = 0usize;
        let mut first_is_type = false;
        let mut type_only = false;
        loop {
            p = skip_trivia(src, p);
            match *src.get(p)? {
                b'{' => {
                    p = self.named_bindings_end(p)?;
                }
                b'*' | b',' => p += 1,
                b if is_ident(b) => {
                    let word = word_at(src, p);
                    if word == b"from" && tokens > 0 {
                        let q = skip_trivia(src, p + 4);
                        if let Some(lit) = self.literal(q) {
                            if src[q] != b'`' {
                                return Some((lit, type_only));
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
            if tokens == 1 && first_is_type && self.dialect.typescript {
                // `import type X`, `import type {`, `import type *`; not
                // `import type, {…}` nor `import type from 'x'`.
                type_only = src[p - 1] != b',';
            }
            tokens += 1;
        }
    }

    /// After `export`: `Some((specifier literal, type_only))` when a
    /// re-export (`export * from`, `export * as ns from`, `export { … }
    /// from`) follows.
    fn export_clause(&self, end: usize) -> Option<(Literal, bool)> {
        let src = self.src;
        let mut p = skip_trivia(src, end);
        let mut type_only = false;
        if self.dialect.typescript && word_is(src, p, b"type") {
            type_only = true;
            p = skip_trivia(src, p + 4);
        }
        match *src.get(p)? {
            b'{' => p = self.named_bindings_end(p)?,
            b'*' => {
                p = skip_trivia(src, p + 1);
                if word_is(src, p, b"as") {
                    p = skip_trivia(src, p + 2);
                    p = match self.literal(p) {
                        Some(lit) => lit.range.end,
                        None => p + word_at(src, p).len(),
                    };
                }
            }
            _ => return None,
        }
        p = skip_trivia(src, p);
        if !word_is(src, p, b"from") {
            return None;
        }
        let q = skip_trivia(src, p + 4);
        let lit = self.literal(q)?;
        (src[q] != b'`').then_some((lit, type_only))
    }

    /// The end of `{ a, b as c, "d" as e, type f }` starting at `p`; `None`
    /// on anything a list of bindings cannot hold.
    fn named_bindings_end(&self, mut p: usize) -> Option<usize> {
        let src = self.src;
        p += 1;
        loop {
            // Names, commas and spaces are nearly all of a list: run over
            // them rather than token by token.
            p = run_end(src, p, Run::List);
            match *src.get(p)? {
                b'}' => return Some(p + 1),
                b'\'' | b'"' => p = self.literal(p)?.range.end,
                b'/' if matches!(src.get(p + 1), Some(b'/' | b'*')) => p = skip_trivia(src, p),
                _ => return None,
            }
        }
    }

    fn jsx_tag(&mut self, p: usize, b: u8) -> usize {
        match b {
            b'\'' | b'"' => self.mode = Mode::JsxAttrStr { quote: b },
            b'{' => {
                self.push_frame(Frame::JsxAttrExpr);
                self.leave_to_code(p + 1, Prev::Block);
            }
            b'>' if p > 0 && self.src[p - 1] == b'/' => self.finish_element(p + 1),
            b'>' => {
                self.push_frame(Frame::JsxElement);
                self.mode = Mode::JsxText;
            }
            _ => {}
        }
        p + 1
    }

    fn jsx_text(&mut self, p: usize, b: u8) -> usize {
        match b {
            b'{' => {
                self.push_frame(Frame::JsxChildExpr);
                self.leave_to_code(p + 1, Prev::Block);
                p + 1
            }
            b'<' if self.at(p + 1) == b'/' => {
                let close = self.src[p..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(self.src.len(), |i| p + i + 1);
                if self.innermost_frame() == Some(Frame::JsxElement) {
                    self.frames.pop();
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
        match self.innermost_frame() {
            Some(Frame::JsxElement) => {
                self.mode = Mode::JsxText;
                return;
            }
            Some(Frame::JsxOuter) => {
                self.frames.pop();
            }
            _ => {}
        }
        self.leave_to_code(end, Prev::Operand);
    }
}

/// The last non-space byte before `p` and at or after `floor`.
fn last_non_space(src: &[u8], floor: usize, p: usize) -> Option<usize> {
    (floor..p).rev().find(|&i| !is_space(src[i]))
}

/// Whether the word starting at `p` follows a `.` (a property name), not
/// counting a `...` spread; reads back no further than `floor`.
fn is_member(src: &[u8], floor: usize, p: usize) -> bool {
    match last_non_space(src, floor, p) {
        Some(i) if src[i] == b'.' => i == 0 || src[i - 1] != b'.',
        _ => false,
    }
}

/// A quick test on the first three bytes of the word at `p`: most words
/// starting with `i`, `e`, `r` or `m` are not the keywords that matter.
fn may_be_keyword(src: &[u8], p: usize) -> bool {
    src.get(p..p + 3)
        .is_some_and(|three| KEYWORD_PREFIXES.iter().any(|k| k == three))
}

fn word_end(src: &[u8], p: usize) -> usize {
    run_end(src, p, Run::Word)
}

/// Whether the word at `p` is `keyword`.
#[inline(always)]
fn word_is(src: &[u8], p: usize, keyword: &[u8]) -> bool {
    src.get(p..).is_some_and(|rest| rest.starts_with(keyword))
        && !src.get(p + keyword.len()).is_some_and(|&b| is_ident(b))
}

fn word_at(src: &[u8], p: usize) -> &[u8] {
    if p >= src.len() {
        return &[];
    }
    &src[p..word_end(src, p)]
}

/// [`skip_space`] where the space is a line break and an indent, as it
/// most often is after a comment: looking at sixteen bytes at once, rather
/// than at one byte at a time in a loop whose end no branch predictor can
/// foresee, is 3% of the pre-scan.
#[inline(always)]
fn skip_space_after_comment(src: &[u8], p: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    if let Some(bytes) = src.get(p..p + 16) {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8, _mm_sub_epi8,
        };
        // SAFETY: SSE2 is in the x86_64 baseline, and the load reads the
        // sixteen bytes of `bytes`.
        let spaces = unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().cast());
            // `\t`, `\n`, vertical tab, form feed and `\r` are 9 to 13.
            let control = _mm_sub_epi8(v, _mm_set1_epi8(9));
            let is_control = _mm_cmpeq_epi8(_mm_min_epu8(control, _mm_set1_epi8(4)), control);
            let is_space = _mm_or_si128(is_control, _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)));
            _mm_movemask_epi8(is_space) as u32
        };
        let other = !spaces & 0xffff;
        if other != 0 {
            return p + other.trailing_zeros() as usize;
        }
    }
    skip_space(src, p)
}

/// The bytes a run of [`run_end`] is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Run {
    /// Identifier bytes: a word.
    Word,
    /// Identifier bytes, spaces and commas: the bulk of a list of named
    /// bindings.
    List,
}

impl Run {
    fn has(self, b: u8) -> bool {
        is_ident(b) || (self == Run::List && (is_space(b) || b == b','))
    }
}

/// The end of the run of `run`'s bytes from `p`. Words and lists are short
/// and of every length: sixteen bytes at a time, the loop most often ends
/// after its first step, which a branch predictor foresees, where one byte
/// at a time it ends after a different number of steps each time.
#[inline(always)]
fn run_end(src: &[u8], mut p: usize, run: Run) -> usize {
    #[cfg(target_arch = "x86_64")]
    while let Some(bytes) = src.get(p..p + 16) {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128, _mm_sub_epi8,
        };
        // SAFETY: SSE2 is in the x86_64 baseline, and the load reads the
        // sixteen bytes of `bytes`.
        let inside = unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().cast());
            let splat = |b: u8| _mm_set1_epi8(b as i8);
            // Whether `v - low` is at most `span`, as unsigned bytes.
            let within = |v, low: u8, span: u8| {
                let d = _mm_sub_epi8(v, splat(low));
                _mm_cmpeq_epi8(_mm_min_epu8(d, splat(span)), d)
            };
            let letter = within(_mm_or_si128(v, splat(0x20)), b'a', 25);
            let digit = within(v, b'0', 9);
            let non_ascii = _mm_cmplt_epi8(v, _mm_setzero_si128());
            let sign = _mm_or_si128(
                _mm_cmpeq_epi8(v, splat(b'_')),
                _mm_cmpeq_epi8(v, splat(b'$')),
            );
            let mut inside =
                _mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(non_ascii, sign));
            if run == Run::List {
                let space = _mm_or_si128(within(v, b'\t', 4), _mm_cmpeq_epi8(v, splat(b' ')));
                let comma = _mm_cmpeq_epi8(v, splat(b','));
                inside = _mm_or_si128(inside, _mm_or_si128(space, comma));
            }
            _mm_movemask_epi8(inside) as u32
        };
        let outside = !inside & 0xffff;
        if outside != 0 {
            return p + outside.trailing_zeros() as usize;
        }
        p += 16;
    }
    while p < src.len() && run.has(src[p]) {
        p += 1;
    }
    p
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

/// The value of the body of a string literal with escapes, decoded; bytes
/// that are not UTF-8 become U+FFFD.
fn decode_escapes(body: &[u8]) -> String {
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
    String::from_utf8(out)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

/// `bytes` as a string, bytes that are not UTF-8 replaced by U+FFFD.
fn utf8_lossy(bytes: &[u8]) -> Cow<'_, str> {
    // Specifiers are nearly always short and ASCII: `is_ascii` checks them in
    // a few words, where `from_utf8` spends longer getting ready to.
    if bytes.is_ascii() {
        // SAFETY: ASCII is valid UTF-8.
        return Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    String::from_utf8_lossy(bytes)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{run_end, skip_space, skip_space_after_comment, Run};

    proptest! {
        #[test]
        fn skipping_space_sixteen_bytes_at_once_skips_the_same(
            source in prop::collection::vec(
                prop::sample::select(vec![b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c, 0x08, 0x0e, b'a', b'/', 0xa0]),
                0..40,
            ),
            from in 0usize..40,
        ) {
            let from = from.min(source.len());
            prop_assert_eq!(skip_space_after_comment(&source, from), skip_space(&source, from));
        }

        #[test]
        fn runs_sixteen_bytes_at_once_end_where_they_end_byte_by_byte(
            source in prop::collection::vec(
                prop::sample::select(vec![
                    b'a', b'z', b'A', b'Z', b'0', b'9', b'_', b'$', 0x80, 0xff, b' ', b'\t',
                    b'\n', b'\r', 0x0b, 0x0c, b',', b'@', b'[', b'`', b'{', b'/', b'}', b'\'',
                    b'.', b'*', 0x08, 0x0e, 0x7f, b':', b'!',
                ]),
                0..60,
            ),
            from in 0usize..60,
        ) {
            let from = from.min(source.len());
            for run in [Run::Word, Run::List] {
                let byte_by_byte = from + source[from..].iter().take_while(|&&b| run.has(b)).count();
                prop_assert_eq!(run_end(&source, from, run), byte_by_byte);
            }
        }
    }
}
