//! The text sink of swc's code generator: printed code into a byte buffer,
//! and, when a source map is made, the generated line and UTF-16 column of
//! each source position the generator reports.
//!
//! swc's own `JsWriter` keeps a hash set of every (position, line, column)
//! it recorded, to record each once; in a build with source maps that set
//! was 3.6% of the CPU time. Positions arrive in generated order, and
//! `sourcemap::encode` keeps the first mapping at a generated position and
//! skips the rest, so repeats cost nothing there and are not looked for
//! here.

use swc_common::{BytePos, LineCol, Span};
use swc_ecma_codegen::text_writer::WriteJs;

type Result = std::io::Result<()>;

const INDENT: &str = "    ";

/// Lines are indented this many levels at most: code nested deeper would
/// otherwise be printed in a size that grows with the square of its depth
/// (20,000 nested object literals, 800 MB).
const MAX_INDENT: usize = 64;

pub struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// Where source positions go, with the generated position of each.
    mappings: Option<&'a mut Vec<(BytePos, LineCol)>>,
    indent: usize,
    /// Nothing is written on the current line yet: its indentation is
    /// still to come, and so is a position reported before it.
    line_start: bool,
    pending: Option<BytePos>,
    line: u32,
    /// In UTF-16 code units.
    column: u32,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a mut Vec<u8>, mappings: Option<&'a mut Vec<(BytePos, LineCol)>>) -> Self {
        Writer {
            out,
            mappings,
            indent: 0,
            line_start: true,
            pending: None,
            line: 0,
            column: 0,
        }
    }

    fn map(&mut self, pos: BytePos) {
        if pos.is_dummy() && pos != BytePos(u32::MAX) {
            return;
        }
        if let Some(mappings) = self.mappings.as_deref_mut() {
            mappings.push((
                pos,
                LineCol {
                    line: self.line,
                    col: self.column,
                },
            ));
        }
    }

    fn write(&mut self, span: Option<Span>, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.line_start {
            let indent = self.indent.min(MAX_INDENT);
            for _ in 0..indent {
                self.out.extend_from_slice(INDENT.as_bytes());
            }
            self.column += (INDENT.len() * indent) as u32;
            self.line_start = false;
            if let Some(pending) = self.pending.take() {
                self.map(pending);
            }
        }
        if let Some(span) = span {
            self.map(span.lo());
        }
        self.out.extend_from_slice(text.as_bytes());
        if self.mappings.is_some() {
            self.advance(text);
        }
        if let Some(span) = span {
            self.map(span.hi());
        }
    }

    /// Moves the generated position past `text`. A line ends at `\n`, at
    /// `\r` not followed by `\n`, and at `\r\n`.
    fn advance(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // Most pieces are a short token: a look at each byte is quicker
        // than a search.
        if bytes.len() <= 16 && bytes.iter().all(|&b| (b' '..0x80).contains(&b)) {
            self.column += bytes.len() as u32;
            return;
        }
        match memchr::memrchr2(b'\n', b'\r', bytes) {
            None => self.column += utf16_len(text),
            Some(last) => {
                let mut lines = 0u32;
                let mut at = 0;
                while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[at..]) {
                    let end = at + found;
                    lines += 1;
                    at = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                        end + 2
                    } else {
                        end + 1
                    };
                }
                self.line += lines;
                self.column = utf16_len(&text[last + 1..]);
            }
        }
    }
}

fn utf16_len(text: &str) -> u32 {
    if text.is_ascii() {
        text.len() as u32
    } else {
        text.encode_utf16().count() as u32
    }
}

impl WriteJs for Writer<'_> {
    fn increase_indent(&mut self) -> Result {
        self.indent += 1;
        Ok(())
    }

    fn decrease_indent(&mut self) -> Result {
        self.indent -= 1;
        Ok(())
    }

    fn write_semi(&mut self, span: Option<Span>) -> Result {
        self.write(span, ";");
        Ok(())
    }

    fn write_space(&mut self) -> Result {
        self.write(None, " ");
        Ok(())
    }

    fn write_keyword(&mut self, span: Option<Span>, s: &'static str) -> Result {
        self.write(span, s);
        Ok(())
    }

    fn write_operator(&mut self, span: Option<Span>, s: &str) -> Result {
        self.write(span, s);
        Ok(())
    }

    fn write_param(&mut self, s: &str) -> Result {
        self.write(None, s);
        Ok(())
    }

    fn write_property(&mut self, s: &str) -> Result {
        self.write(None, s);
        Ok(())
    }

    fn write_line(&mut self) -> Result {
        let pending = self.pending.take();
        if !self.line_start {
            self.out.push(b'\n');
            self.line += 1;
            self.column = 0;
            self.line_start = true;
            if let Some(pending) = pending {
                self.map(pending);
            }
        }
        Ok(())
    }

    fn write_lit(&mut self, span: Span, s: &str) -> Result {
        if !s.is_empty() {
            self.map(span.lo());
            self.write(None, s);
            self.map(span.hi());
        }
        Ok(())
    }

    fn write_comment(&mut self, s: &str) -> Result {
        self.write(None, s);
        Ok(())
    }

    fn write_str_lit(&mut self, span: Span, s: &str) -> Result {
        self.write_lit(span, s)
    }

    fn write_str(&mut self, s: &str) -> Result {
        self.write(None, s);
        Ok(())
    }

    fn write_symbol(&mut self, span: Span, s: &str) -> Result {
        self.write(Some(span), s);
        Ok(())
    }

    fn write_punct(&mut self, span: Option<Span>, s: &'static str, _: bool) -> Result {
        self.write(span, s);
        Ok(())
    }

    fn care_about_srcmap(&self) -> bool {
        self.mappings.is_some()
    }

    fn add_srcmap(&mut self, pos: BytePos) -> Result {
        if self.mappings.is_some() {
            if self.line_start {
                self.pending = Some(pos);
            } else {
                self.map(pos);
            }
        }
        Ok(())
    }

    fn commit_pending_semi(&mut self) -> Result {
        Ok(())
    }
}
