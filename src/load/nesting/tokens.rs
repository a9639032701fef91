//! A bound on how deep swc's parser recurses into a source, found from its
//! tokens before it is parsed: the parser recurses once or a few times per
//! level, so a source nested far past [`super::NESTING_LIMIT`] would
//! overflow any stack before the tree it makes could be checked.
//!
//! The bound counts units. Every bracket that is open (`(`, `[`, `{`,
//! `${`, a template literal, a JSX element) is one; so is every token after
//! which the parser may recurse without opening a bracket — a prefix
//! operator, `=` and the other assignments, `=>`, `?`, `:`, `**`, `...`,
//! `new`, `await`, `if`, `else` and the other words that start a nested
//! statement or expression, and in TypeScript `<` — from the last point
//! where the parser is known to be back at the bracket's own level: a `,`
//! or `;` of that bracket, a declaration keyword, or a line break where
//! automatic semicolon insertion must end the statement. Left-associative
//! operators, member accesses and calls are not counted: the parser builds
//! their chains in a loop.
//!
//! The count can fall short only where one statement ends and an
//! enclosing one goes on (`if (a) if (b) x; else …`), and then by no more
//! than what it had counted before, so the parser's depth is at most twice
//! the largest count. Everything else it misjudges (a regular expression
//! taken for a division, say) makes it count more, not less.

use super::NESTING_LIMIT;

/// The most units a source may reach before it is refused unparsed: four
/// for every level of nesting allowed, where a source within the limits
/// takes one or two. The parser, going at most twice as deep, fits the
/// load workers' stacks there even if every unit were its costliest.
pub const UNIT_LIMIT: u32 = 4 * NESTING_LIMIT;

/// Which language a source is written in, for the tokens that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    pub typescript: bool,
    pub jsx: bool,
}

/// The byte offset where the count first goes past [`UNIT_LIMIT`], if it
/// does.
pub fn first_too_deep(source: &str, dialect: Dialect) -> Option<usize> {
    let mut scan = Scan::new(source, dialect);
    while scan.at < scan.bytes.len() {
        scan.step();
        if scan.units > UNIT_LIMIT {
            return Some(scan.token_start);
        }
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Root,
    /// `header`: the parentheses after `if`, `for`, `while` or `with`, which
    /// a statement follows.
    Paren {
        header: bool,
    },
    Bracket,
    Brace,
    /// A template literal's text.
    Template,
    /// A `${…}` in a template literal.
    TemplateExpr,
    /// A JSX element's opening tag, up to its `>` or `/>`.
    JsxTag,
    /// A JSX element's children, up to its closing tag.
    JsxChildren,
    /// A `{…}` in a JSX tag or among a JSX element's children.
    JsxExpr,
}

struct Segment {
    kind: Kind,
    /// Units counted since the parser was last known to be back at this
    /// segment's level.
    count: u32,
    /// TypeScript `<` not yet closed by a `>`: a type's arguments, whose
    /// commas do not end anything.
    angles: u32,
}

impl Segment {
    fn new(kind: Kind) -> Segment {
        Segment {
            kind,
            count: 0,
            angles: 0,
        }
    }
}

/// What the previous token was, for the tokens whose meaning depends on
/// it (`/`, `+`, `<`, a line break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prev {
    /// An identifier, literal, `)`, `]` or `}`: what ends an operand.
    Operand,
    /// `if`, `for`, `while` or `with`, whose parentheses a statement follows.
    Statement,
    /// The `)` after such a word.
    Header,
    Other,
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
    dialect: Dialect,
    /// Where the current token starts.
    token_start: usize,
    /// Never empty: the first is the source's top level.
    segments: Vec<Segment>,
    /// The units counted: one for each segment but the top level, and
    /// every segment's count.
    units: u32,
    prev: Prev,
    /// The previous word was `for` (for `for await (`).
    after_for: bool,
    /// The previous token was `.`: a word is a property name.
    after_dot: bool,
    /// A line break since the previous token.
    newline: bool,
}

/// Whether `word`, after a line break, may go on with the statement before.
fn continues(word: &[u8]) -> bool {
    matches!(
        word,
        b"in"
            | b"of"
            | b"instanceof"
            | b"as"
            | b"satisfies"
            | b"else"
            | b"catch"
            | b"finally"
            | b"extends"
            | b"implements"
            | b"while"
            | b"from"
            | b"is"
    )
}

/// How long the punctuator at the start of `rest` is (`<` and its kin
/// aside, which `less_than` reads). `?.` before a digit is `?`.
fn punctuator_len(rest: &[u8]) -> usize {
    let at = |i: usize| rest.get(i).copied().unwrap_or(0);
    match (at(0), at(1), at(2), at(3)) {
        (b'>', b'>', b'>', b'=') => 4,
        (b'.', b'.', b'.', _)
        | (b'=' | b'!', b'=', b'=', _)
        | (b'*', b'*', b'=', _)
        | (b'>', b'>', b'=' | b'>', _)
        | (b'&', b'&', b'=', _)
        | (b'|', b'|', b'=', _)
        | (b'?', b'?', b'=', _) => 3,
        (b'=', b'>' | b'=', ..)
        | (b'!' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^', b'=', ..)
        | (b'&', b'&', ..)
        | (b'|', b'|', ..)
        | (b'?', b'?', ..)
        | (b'+', b'+', ..)
        | (b'-', b'-', ..)
        | (b'*', b'*', ..)
        | (b'>', b'>', ..) => 2,
        _ => 1,
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 || b == b'\\'
}

impl<'a> Scan<'a> {
    fn new(source: &'a str, dialect: Dialect) -> Scan<'a> {
        Scan {
            bytes: source.as_bytes(),
            at: 0,
            token_start: 0,
            dialect,
            segments: vec![Segment::new(Kind::Root)],
            units: 0,
            prev: Prev::Other,
            after_for: false,
            after_dot: false,
            newline: false,
        }
    }

    /// One token, or one stretch of template or JSX text.
    fn step(&mut self) {
        self.token_start = self.at;
        match self.top().kind {
            Kind::Template => self.template_text(),
            Kind::JsxTag => self.jsx_tag(),
            Kind::JsxChildren => self.jsx_children(),
            _ => self.code_token(),
        }
    }

    fn top(&mut self) -> &mut Segment {
        self.segments
            .last_mut()
            .expect("the top level is never closed")
    }

    fn peek(&self, offset: usize) -> u8 {
        self.bytes.get(self.at + offset).copied().unwrap_or(0)
    }

    /// One more unit in the current segment.
    fn count(&mut self) {
        self.top().count += 1;
        self.units += 1;
    }

    /// The parser is back at the current segment's level.
    fn reset(&mut self) {
        let top = self.top();
        let count = std::mem::take(&mut top.count);
        top.angles = 0;
        self.units -= count;
    }

    fn open(&mut self, kind: Kind) {
        self.segments.push(Segment::new(kind));
        self.units += 1;
    }

    /// Closes the nearest of the last few segments that `closes` accepts;
    /// a closer with none (in code that is not valid, or misread) is
    /// ignored. Returns the kind closed.
    fn close(&mut self, closes: impl Fn(Kind) -> bool) -> Option<Kind> {
        let len = self.segments.len();
        let found = (1..len)
            .rev()
            .take(4)
            .find(|&i| closes(self.segments[i].kind))?;
        let kind = self.segments[found].kind;
        for segment in self.segments.drain(found..) {
            self.units -= 1 + segment.count;
        }
        Some(kind)
    }

    /// Skips whitespace and comments, noting line breaks.
    fn skip_trivia(&mut self) {
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'\n' | b'\r' => {
                    self.newline = true;
                    self.at += 1;
                }
                b' ' | b'\t' | 0x0b | 0x0c => self.at += 1,
                b'/' if self.peek(1) == b'/' => self.skip_line(),
                b'/' if self.peek(1) == b'*' => {
                    let end = memchr::memmem::find(&self.bytes[self.at + 2..], b"*/")
                        .map_or(self.bytes.len(), |i| self.at + 2 + i + 2);
                    if memchr::memchr(b'\n', &self.bytes[self.at..end]).is_some() {
                        self.newline = true;
                    }
                    self.at = end;
                }
                b'#' if self.at == 0 && self.peek(1) == b'!' => self.skip_line(),
                _ => return,
            }
        }
    }

    fn skip_line(&mut self) {
        self.at =
            memchr::memchr(b'\n', &self.bytes[self.at..]).map_or(self.bytes.len(), |i| self.at + i);
    }

    fn code_token(&mut self) {
        self.skip_trivia();
        self.token_start = self.at;
        let Some(&b) = self.bytes.get(self.at) else {
            return;
        };
        let newline = std::mem::take(&mut self.newline);
        let after_dot = std::mem::take(&mut self.after_dot);
        let after_for = std::mem::take(&mut self.after_for);
        if is_word_byte(b) && !b.is_ascii_digit() {
            let start = self.at;
            while self.at < self.bytes.len() && is_word_byte(self.bytes[self.at]) {
                self.at += 1;
            }
            self.word(&self.bytes[start..self.at], newline, after_dot, after_for);
            return;
        }
        let operand_before = self.prev == Prev::Operand;
        if newline && operand_before && matches!(b, b'0'..=b'9' | b'\'' | b'"') {
            self.end_of_statement();
        }
        match b {
            b'0'..=b'9' => self.number(),
            b'.' if self.peek(1).is_ascii_digit() => self.number(),
            b'\'' | b'"' => {
                self.string(b);
                self.prev = Prev::Operand;
            }
            b'`' => {
                self.at += 1;
                self.open(Kind::Template);
            }
            b'(' => {
                self.at += 1;
                let header = self.prev == Prev::Statement;
                self.open(Kind::Paren { header });
                self.prev = Prev::Other;
            }
            b'[' => {
                self.at += 1;
                self.open(Kind::Bracket);
                self.prev = Prev::Other;
            }
            b'{' => {
                self.at += 1;
                self.open(Kind::Brace);
                self.prev = Prev::Other;
            }
            b')' => {
                self.at += 1;
                self.prev = match self.close(|k| matches!(k, Kind::Paren { .. })) {
                    Some(Kind::Paren { header: true }) => Prev::Header,
                    _ => Prev::Operand,
                };
            }
            b']' => {
                self.at += 1;
                self.close(|k| k == Kind::Bracket);
                self.prev = Prev::Operand;
            }
            b'}' => {
                self.at += 1;
                self.close(|k| matches!(k, Kind::Brace | Kind::TemplateExpr | Kind::JsxExpr));
                self.prev = Prev::Operand;
            }
            b',' => {
                self.at += 1;
                if self.top().angles == 0 {
                    self.end_of_statement();
                }
                self.prev = Prev::Other;
            }
            b';' => {
                self.at += 1;
                self.end_of_statement();
                self.prev = Prev::Other;
            }
            b'/' if !operand_before => self.regex(),
            b'<' => self.less_than(operand_before),
            b'?' if self.peek(1) == b'.' && !self.peek(2).is_ascii_digit() => {
                self.at += 2;
                self.after_dot = true;
                self.prev = Prev::Other;
            }
            _ => self.operator(operand_before),
        }
    }

    /// Where a statement or list item ends: nothing counted since this
    /// segment's level is still open.
    fn end_of_statement(&mut self) {
        self.reset();
    }

    fn word(&mut self, word: &[u8], newline: bool, after_dot: bool, after_for: bool) {
        if after_dot {
            self.prev = Prev::Operand;
            return;
        }
        if newline && self.prev == Prev::Operand && !continues(word) {
            self.end_of_statement();
        }
        match word {
            // Only a statement starts so: what came before has ended.
            b"var" | b"const" | b"export" if self.top().angles == 0 => {
                self.end_of_statement();
                self.prev = Prev::Other;
            }
            b"if" | b"for" | b"while" | b"with" => {
                self.count();
                self.prev = Prev::Statement;
                self.after_for = word == b"for";
            }
            b"await" if after_for => self.prev = Prev::Statement,
            // The parser recurses into what follows these.
            b"new" | b"typeof" | b"void" | b"delete" | b"await" | b"yield" | b"else" | b"do"
            | b"return" | b"throw" | b"case" | b"extends" | b"class" | b"function" | b"keyof"
            | b"infer" | b"readonly" | b"unique" | b"asserts" | b"is" => {
                self.count();
                self.prev = Prev::Other;
            }
            // A `/` after these starts a regular expression, and a `<` a JSX
            // element.
            b"in" | b"of" | b"instanceof" | b"as" | b"satisfies" | b"import" | b"var"
            | b"const" | b"export" => self.prev = Prev::Other,
            // An identifier, or a word that is an operand (`this`).
            _ => self.prev = Prev::Operand,
        }
    }

    fn number(&mut self) {
        let start = self.at;
        let hex = matches!(self.bytes.get(start..start + 2), Some(b"0x" | b"0X"));
        while self.at < self.bytes.len() {
            let b = self.bytes[self.at];
            let exponent_sign =
                matches!(b, b'+' | b'-') && !hex && matches!(self.bytes[self.at - 1], b'e' | b'E');
            if is_word_byte(b) || b == b'.' || exponent_sign {
                self.at += 1;
            } else {
                break;
            }
        }
        self.prev = Prev::Operand;
    }

    /// A quoted string: up to its closing quote, or the end of the line.
    fn string(&mut self, quote: u8) {
        self.at += 1;
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'\\' => self.at += 2,
                b'\n' => return,
                b if b == quote => {
                    self.at += 1;
                    return;
                }
                _ => self.at += 1,
            }
        }
    }

    /// A regular expression literal: up to its closing `/` (outside a
    /// class) and flags, or the end of the line.
    fn regex(&mut self) {
        self.at += 1;
        let mut class = false;
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'\\' => self.at += 2,
                b'\n' => break,
                b'[' => {
                    class = true;
                    self.at += 1;
                }
                b']' => {
                    class = false;
                    self.at += 1;
                }
                b'/' if !class => {
                    self.at += 1;
                    while self.at < self.bytes.len() && is_word_byte(self.bytes[self.at]) {
                        self.at += 1;
                    }
                    break;
                }
                _ => self.at += 1,
            }
        }
        self.prev = Prev::Operand;
    }

    fn less_than(&mut self, operand_before: bool) {
        let next = self.peek(1);
        let starts_tag = next == b'>' || (is_word_byte(next) && !next.is_ascii_digit());
        if self.dialect.jsx && !operand_before && starts_tag {
            self.at += 1;
            self.open(Kind::JsxTag);
            return;
        }
        if next == b'<' || next == b'=' {
            self.at += 2;
            if self.peek(0) == b'=' {
                self.at += 1;
            }
            self.prev = Prev::Other;
            return;
        }
        self.at += 1;
        if self.dialect.typescript {
            // Type arguments and parameters, and type assertions.
            self.count();
            self.top().angles += 1;
        }
        self.prev = Prev::Other;
    }

    /// Every other punctuator.
    fn operator(&mut self, operand_before: bool) {
        let rest = &self.bytes[self.at..];
        let len = punctuator_len(rest);
        let punctuator = &rest[..len];
        self.at += len;
        self.prev = Prev::Other;
        let deepens = match punctuator {
            b"=>" | b"**" | b"..." | b"=" | b"?" | b":" | b"~" | b"@" => true,
            b"!" | b"+" | b"-" | b"++" | b"--" => !operand_before,
            b"==" | b"===" | b"!=" | b"!==" | b"<=" | b">=" => false,
            // Every assignment.
            [.., b'='] => true,
            b"." | b"?." | b"#" => {
                // A property or private name follows.
                self.after_dot = true;
                false
            }
            _ => false,
        };
        if deepens {
            self.count();
        }
        if self.dialect.typescript && punctuator[0] == b'>' {
            // `>`, `>>` and `>>>` close type arguments.
            let closing = punctuator.iter().take_while(|&&b| b == b'>').count() as u32;
            let top = self.top();
            top.angles = top.angles.saturating_sub(closing);
        }
        // `x!` (TypeScript's non-null assertion) and `x++` leave an
        // operand.
        if operand_before && matches!(punctuator, b"!" | b"++" | b"--") {
            self.prev = Prev::Operand;
        }
    }

    /// A template literal's text, up to its end or a `${`.
    fn template_text(&mut self) {
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'\\' => self.at += 2,
                b'`' => {
                    self.at += 1;
                    self.close(|k| k == Kind::Template);
                    self.prev = Prev::Operand;
                    return;
                }
                b'$' if self.peek(1) == b'{' => {
                    self.at += 2;
                    self.open(Kind::TemplateExpr);
                    self.prev = Prev::Other;
                    return;
                }
                _ => self.at += 1,
            }
        }
    }

    /// Inside an opening tag: attributes, up to `>` or `/>`.
    fn jsx_tag(&mut self) {
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'/' if self.peek(1) == b'>' => {
                    self.at += 2;
                    self.close(|k| k == Kind::JsxTag);
                    self.prev = Prev::Operand;
                    return;
                }
                b'>' => {
                    self.at += 1;
                    self.top().kind = Kind::JsxChildren;
                    return;
                }
                b'{' => {
                    self.at += 1;
                    self.open(Kind::JsxExpr);
                    self.prev = Prev::Other;
                    return;
                }
                b'<' => {
                    self.at += 1;
                    self.open(Kind::JsxTag);
                    return;
                }
                quote @ (b'"' | b'\'') => {
                    self.at += 1;
                    self.at = memchr::memchr(quote, &self.bytes[self.at..])
                        .map_or(self.bytes.len(), |i| self.at + i + 1);
                }
                _ => self.at += 1,
            }
        }
    }

    /// A JSX element's children: text, `{…}`, elements, up to the closing
    /// tag.
    fn jsx_children(&mut self) {
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'{' => {
                    self.at += 1;
                    self.open(Kind::JsxExpr);
                    self.prev = Prev::Other;
                    return;
                }
                b'<' => {
                    let mut next = self.at + 1;
                    while next < self.bytes.len() && self.bytes[next].is_ascii_whitespace() {
                        next += 1;
                    }
                    if self.bytes.get(next) == Some(&b'/') {
                        self.at = memchr::memchr(b'>', &self.bytes[next..])
                            .map_or(self.bytes.len(), |i| next + i + 1);
                        self.close(|k| k == Kind::JsxChildren);
                        self.prev = Prev::Operand;
                    } else {
                        self.at += 1;
                        self.open(Kind::JsxTag);
                    }
                    return;
                }
                _ => self.at += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JS: Dialect = Dialect {
        typescript: false,
        jsx: true,
    };
    const TS: Dialect = Dialect {
        typescript: true,
        jsx: false,
    };

    /// The largest count reached.
    fn peak(source: &str, dialect: Dialect) -> u32 {
        let mut scan = Scan::new(source, dialect);
        let mut peak = 0;
        while scan.at < scan.bytes.len() {
            scan.step();
            peak = peak.max(scan.units);
        }
        peak
    }

    #[test]
    fn brackets_count_while_they_are_open() {
        assert_eq!(peak("f((((1))))", JS), 4);
        assert_eq!(peak("[[[]]], [[]]", JS), 3);
        assert_eq!(peak("a(b)(c)(d).e(f)", JS), 1);
    }

    #[test]
    fn prefix_operators_count_until_the_statement_ends() {
        assert_eq!(peak("!!!!x; !y", JS), 4);
        assert_eq!(peak("a = b = c = d", JS), 3);
        assert_eq!(peak("x => y => z => 1, w", JS), 3);
        assert_eq!(peak("a ? b : c ? d : e", JS), 4);
        assert_eq!(peak("typeof typeof new new X", JS), 4);
    }

    #[test]
    fn chains_of_binary_operators_do_not_count() {
        assert_eq!(peak("1 + 2 - 3 * 4 / 5 % 6 && a || b ?? c == d", JS), 0);
        assert_eq!(peak("a.b.c.d(e)[f]`g`", JS), 1);
        assert_eq!(peak("x++ + y-- - -z", JS), 1);
    }

    #[test]
    fn line_breaks_end_statements_where_they_must() {
        let source = "a = f(x)\nb = g(y)\nc = h(z)\nif (a) b = 1\nd = 2\n";
        assert_eq!(peak(source, JS), 2);
        // After an operator, the statement goes on.
        assert_eq!(peak("a =\nb =\nc", JS), 2);
        // `else` goes on with the `if`.
        assert_eq!(peak("if (a) x\nelse if (b) y\nelse z", JS), 4);
    }

    #[test]
    fn strings_comments_and_regular_expressions_hide_brackets() {
        let source = "f('(((', \"[[[\", /(((/, `(((`) // (((\n/* ((( */ x = a / b / c";
        assert_eq!(peak(source, JS), 2);
        assert_eq!(peak("if (a) /(/.test(b)", JS), 2);
    }

    #[test]
    fn templates_and_their_substitutions_nest() {
        assert_eq!(peak("`a${`b${`c${1}`}`}`", JS), 6);
        assert_eq!(peak("`${a}` + `${b}`", JS), 2);
    }

    #[test]
    fn jsx_elements_nest_and_their_text_is_not_code() {
        assert_eq!(peak("x = <a><b>, (; [</b><c/></a>", JS), 3);
        assert_eq!(peak("x = <a>{<b>{1}</b>}</a>", JS), 5);
        assert_eq!(peak("x = a < b", JS), 1);
        assert_eq!(peak("x = <>don't</>", JS), 2);
    }

    #[test]
    fn typescript_type_arguments_nest() {
        assert_eq!(peak("let x: Map<K, Map<K, Map<K, V>>> = y;", TS), 5);
        assert_eq!(peak("let x: A<B<C>>; let y: Z", TS), 3);
    }

    #[test]
    fn a_source_nested_too_deep_is_found_where_it_crosses_the_limit() {
        let depth = UNIT_LIMIT as usize + 10;
        let source = format!("x = {}1{}", "(".repeat(depth), ")".repeat(depth));
        let at = first_too_deep(&source, JS).expect("too deep");
        // `x = ` counts one: the limit is crossed at the parenthesis that
        // opens level UNIT_LIMIT.
        assert_eq!(at, 4 + UNIT_LIMIT as usize - 1);
        assert_eq!(first_too_deep("x = ((1))", JS), None);
    }
}
