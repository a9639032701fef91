//! The chunk's source map, made in two steps so that the costly one runs
//! in the parallel printers.
//!
//! A printer encodes each piece it prints (`encode`): the code generator's
//! (byte position, generated line and column) pairs become original lines
//! and UTF-16 columns (through the file's own source map when it brings
//! one), written as VLQ segments as if the piece began the map. The chunk
//! then joins the pieces by their line offsets (`Joiner`): a piece's
//! segments are relative to each other, so only its first segment is
//! written anew, relative to where the previous piece left off; the rest is
//! copied as it is.

use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::Arc;

use swc_common::{BytePos, LineCol, SourceFile};

use crate::graph::Module;
use crate::load::InputSource;
use crate::metafile::relative_path;

/// The sources a module's pieces map to, as JSON values: the module's own
/// file, or the sources of the file's own source map.
pub struct Sources {
    names: Vec<String>,
    /// `sourcesContent` entries, when the map includes them.
    contents: Option<Vec<String>>,
    /// The lines of the module's own file.
    lines: Lines,
}

/// Where each line of a file starts, to turn byte offsets into lines and
/// columns. Lines end at `\n`, as in the code generator's positions.
struct Lines {
    starts: Vec<u32>,
    ascii: bool,
}

impl Lines {
    fn of(text: &str) -> Lines {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at as u32 + 1));
        Lines {
            starts,
            ascii: text.is_ascii(),
        }
    }

    /// The line `offset` is on, looked for from line `near` onwards: a few
    /// lines are stepped over, and further ones found by bisection.
    fn line_of(&self, offset: u32, near: usize) -> usize {
        let starts = &self.starts;
        if starts.get(near).is_some_and(|&start| start <= offset) {
            let mut line = near;
            for _ in 0..8 {
                match starts.get(line + 1) {
                    Some(&next) if next <= offset => line += 1,
                    _ => return line,
                }
            }
        }
        starts.partition_point(|&start| start <= offset) - 1
    }
}

/// `text` as a JSON string, as `serde_json` writes it: `"` and `\\`
/// escaped, control characters as `\n`-style escapes where JSON has one
/// and `\u00xx` otherwise, everything else as it is. Sources are most of a
/// source map: eight bytes at a time are checked for the ones that need
/// escaping, each found from a mask of them, and the runs between are
/// copied whole.
fn json(text: &str) -> String {
    let bytes = text.as_bytes();
    // In three.js, indented with tabs, one byte in twelve needs escaping.
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + bytes.len() / 8 + 2);
    out.push(b'"');
    let mut run = 0;
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let word = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
        let mut found = escapes(word);
        while found != 0 {
            let position = at + (found.trailing_zeros() / 8) as usize;
            out.extend_from_slice(&bytes[run..position]);
            escape(&mut out, bytes[position]);
            run = position + 1;
            found &= found - 1;
        }
        at += 8;
    }
    for (position, &byte) in bytes.iter().enumerate().skip(at) {
        if byte < 0x20 || byte == b'"' || byte == b'\\' {
            out.extend_from_slice(&bytes[run..position]);
            escape(&mut out, byte);
            run = position + 1;
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
    String::from_utf8(out).expect("escaping keeps UTF-8 whole")
}

/// Writes the escape of `byte`, a control character, `"` or `\\`.
fn escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match byte {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 15)],
        ]),
    }
}

/// The bytes of `word` that are control characters, `"` or `\\`: the
/// high bit of each, exactly.
fn escapes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bit of each byte of `v` that is zero, without a carry from
    // one byte into the next.
    let zero = |v: u64| !(((v & LOW7).wrapping_add(LOW7)) | v) & HIGHS;
    zero(word & (ONES * 0xe0))
        | zero(word ^ (ONES * u64::from(b'"')))
        | zero(word ^ (ONES * u64::from(b'\\')))
}

impl Sources {
    /// `module`'s sources, named relative to `map_dir`.
    pub fn of(module: &Module, map_dir: &Path, with_contents: bool) -> Arc<Sources> {
        let lines = Lines::of(&module.file.src);
        let sources = match &module.input_map {
            None => Sources {
                names: vec![json(&relative_path(&module.path, map_dir))],
                contents: with_contents.then(|| vec![json(&module.file.src)]),
                lines,
            },
            Some(input) => Sources {
                names: input
                    .sources
                    .iter()
                    .map(|source| match source {
                        InputSource::Path(path) => json(&relative_path(path, map_dir)),
                        InputSource::Url(url) => json(url),
                    })
                    .collect(),
                contents: with_contents.then(|| {
                    (0..input.sources.len() as u32)
                        .map(|i| {
                            input
                                .map
                                .get_source_contents(i)
                                .map_or_else(|| "null".to_string(), |text| json(text))
                        })
                        .collect()
                }),
                lines,
            },
        };
        Arc::new(sources)
    }
}

/// About the bytes of the map joined from `pieces`: their mappings and
/// every source they name, with its contents, once.
pub fn joined_size<'a>(pieces: impl Iterator<Item = &'a MapPiece>) -> usize {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut size = 100;
    for piece in pieces {
        size += piece.mappings.len() + 16;
        if seen.insert(Arc::as_ptr(&piece.sources) as usize) {
            let sources = &piece.sources;
            size += sources.names.iter().map(|n| n.len() + 1).sum::<usize>();
            size += sources
                .contents
                .iter()
                .flatten()
                .map(|c| c.len() + 1)
                .sum::<usize>();
        }
    }
    size
}

/// An empty string of `capacity` bytes whose memory is already mapped:
/// made on a thread of its own while the chunk's code is put together, so
/// that joining the map, which comes after, does not wait for the kernel
/// to hand it fresh pages one by one.
pub fn mapped_buffer(capacity: usize) -> String {
    let mut bytes: Vec<u8> = Vec::with_capacity(capacity);
    for page in bytes.spare_capacity_mut().chunks_mut(4096) {
        page[0].write(0);
    }
    String::from_utf8(bytes).expect("an empty vector is UTF-8")
}

/// A segment's values, absolute.
#[derive(Clone, Copy, Default)]
struct Segment {
    generated_column: u32,
    source: u32,
    line: u32,
    column: u32,
}

/// One printed piece's mappings.
pub struct MapPiece {
    sources: Arc<Sources>,
    /// VLQ segments as if the piece began the map: lines separated by `;`.
    mappings: String,
    /// The first segment (absolute) and where it is written in `mappings`.
    first: Option<(Segment, usize, usize)>,
    last: Segment,
    /// Lines the mappings go down (the `;` in `mappings`).
    lines: u32,
}

/// Encodes the mappings the code generator recorded for a piece of
/// `module`'s code.
pub fn encode(module: &Module, sources: Arc<Sources>, mappings: &[(BytePos, LineCol)]) -> MapPiece {
    let mut piece = MapPiece {
        sources,
        mappings: String::with_capacity(mappings.len() * 6),
        first: None,
        last: Segment::default(),
        lines: 0,
    };
    let file = &module.file;
    let mut at: Option<(u32, u32)> = None;
    let mut line_hint = 0;
    for &(pos, generated) in mappings {
        if pos.is_dummy() || pos.is_reserved_for_comments() {
            continue;
        }
        if at.is_some_and(|(line, column)| (generated.line, generated.col) <= (line, column)) {
            continue;
        }
        let Some((line, column)) = original(file, &piece.sources.lines, pos, &mut line_hint) else {
            continue;
        };
        let (source, line, column) = match &module.input_map {
            None => (0, line, column),
            Some(input) => {
                let Some(token) = input.map.lookup_token(line, column) else {
                    continue;
                };
                if token.get_dst_line() != line || !token.has_source() {
                    continue;
                }
                (
                    token.get_src_id(),
                    token.get_src_line(),
                    token.get_src_col(),
                )
            }
        };
        let segment = Segment {
            generated_column: generated.col,
            source,
            line,
            column,
        };
        let previous = match at {
            Some((previous_line, _)) if previous_line == generated.line => {
                piece.mappings.push(',');
                piece.last
            }
            _ => {
                let from = at.map_or(0, |(line, _)| line);
                for _ in from..generated.line {
                    piece.mappings.push(';');
                }
                piece.lines = generated.line;
                Segment {
                    generated_column: 0,
                    ..piece.last
                }
            }
        };
        let start = piece.mappings.len();
        write_segment(&mut piece.mappings, previous, segment);
        if piece.first.is_none() {
            piece.first = Some((segment, start, piece.mappings.len()));
        }
        piece.last = segment;
        at = Some((generated.line, generated.col));
    }
    piece
}

/// The 0-based line and UTF-16 column of `pos` in `file`, whose lines
/// are `lines`. Positions mostly come in source order: the line of the
/// last one, `hint`, is where the search starts.
fn original(
    file: &SourceFile,
    lines: &Lines,
    pos: BytePos,
    hint: &mut usize,
) -> Option<(u32, u32)> {
    if pos < file.start_pos || pos > file.end_pos {
        return None;
    }
    let offset = (pos - file.start_pos).0;
    let line = lines.line_of(offset, *hint);
    *hint = line;
    let line_start = lines.starts[line];
    let column = if lines.ascii {
        offset - line_start
    } else {
        file.src
            .get(line_start as usize..offset as usize)?
            .encode_utf16()
            .count() as u32
    };
    Some((line as u32, column))
}

fn write_segment(out: &mut String, previous: Segment, segment: Segment) {
    vlq(
        out,
        segment.generated_column as i64 - previous.generated_column as i64,
    );
    vlq(out, segment.source as i64 - previous.source as i64);
    vlq(out, segment.line as i64 - previous.line as i64);
    vlq(out, segment.column as i64 - previous.column as i64);
}

fn vlq(out: &mut String, value: i64) {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rest = if value < 0 {
        (value.unsigned_abs() << 1) | 1
    } else {
        (value as u64) << 1
    };
    loop {
        let mut digit = (rest & 31) as usize;
        rest >>= 5;
        if rest > 0 {
            digit |= 32;
        }
        out.push(DIGITS[digit] as char);
        if rest == 0 {
            break;
        }
    }
}

/// The chunk's map, joined from its pieces in line order. Its JSON is
/// written as it goes: the sources first, then the mappings, straight into
/// the one buffer the map is written from.
pub struct Joiner {
    /// Where each module's sources start in the chunk's, by their address.
    placed: FxHashMap<usize, u32>,
    json: String,
    /// The line the mappings have reached, and whether it has a segment.
    line: u32,
    line_has_segment: bool,
    /// The last segment written, with sources numbered for the chunk.
    last: Segment,
}

impl Joiner {
    /// A joiner for the map of the chunk file named `file`, whose pieces
    /// will be `pieces`, in order, written into `buffer` (sized by
    /// [`joined_size`]).
    pub fn new<'a>(
        pieces: impl Iterator<Item = &'a MapPiece>,
        file: Option<&str>,
        buffer: String,
    ) -> Joiner {
        // Each module's sources once, numbered in the order their first
        // piece with a segment comes.
        let mut placed = FxHashMap::default();
        let mut sources: Vec<&Sources> = Vec::new();
        let mut source_count = 0u32;
        for piece in pieces {
            if piece.first.is_none() {
                continue;
            }
            let key = Arc::as_ptr(&piece.sources) as usize;
            placed.entry(key).or_insert_with(|| {
                let base = source_count;
                source_count += piece.sources.names.len() as u32;
                sources.push(&piece.sources);
                base
            });
        }
        let names = || sources.iter().flat_map(|s| s.names.iter());
        let contents = || sources.iter().flat_map(|s| s.contents.iter().flatten());
        // Every module's sources are made with the build's one setting:
        // all have contents, or none has.
        let with_contents = sources.iter().any(|s| s.contents.is_some());
        let mut json = buffer;
        json.clear();
        json.push_str("{\"version\":3");
        if let Some(file) = file {
            json.push_str(",\"file\":");
            json.push_str(&serde_json::to_string(file).expect("a string serializes"));
        }
        let list = |json: &mut String, key: &str, items: &mut dyn Iterator<Item = &str>| {
            json.push_str(",\"");
            json.push_str(key);
            json.push_str("\":[");
            for (i, item) in items.enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(item);
            }
            json.push(']');
        };
        list(&mut json, "sources", &mut names().map(String::as_str));
        if with_contents {
            list(
                &mut json,
                "sourcesContent",
                &mut contents().map(String::as_str),
            );
        }
        json.push_str(",\"names\":[],\"mappings\":\"");
        Joiner {
            placed,
            json,
            line: 0,
            line_has_segment: false,
            last: Segment::default(),
        }
    }

    /// Adds `piece`, whose code starts on line `line` of the chunk.
    pub fn add(&mut self, line: u32, piece: &MapPiece) {
        let Some((first, start, end)) = piece.first else {
            return;
        };
        let base = self.placed[&(Arc::as_ptr(&piece.sources) as usize)];
        debug_assert!(line >= self.line, "pieces are added in line order");
        for _ in self.line..line {
            self.json.push(';');
            self.line_has_segment = false;
        }
        self.line = line;
        let before_first = &piece.mappings[..start];
        self.json.push_str(before_first);
        if !before_first.is_empty() {
            self.line += before_first.len() as u32;
            self.line_has_segment = false;
        }
        let previous = if self.line_has_segment {
            self.json.push(',');
            self.last
        } else {
            Segment {
                generated_column: 0,
                ..self.last
            }
        };
        let first = Segment {
            source: first.source + base,
            ..first
        };
        write_segment(&mut self.json, previous, first);
        self.json.push_str(&piece.mappings[end..]);
        self.line = line + piece.lines;
        self.line_has_segment = true;
        self.last = Segment {
            source: piece.last.source + base,
            ..piece.last
        };
    }

    /// The map as JSON.
    pub fn finish(mut self) -> String {
        self.json.push_str("\"}");
        self.json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_serde_json_s() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        let texts = [
            String::new(),
            "plain text, longer than eight bytes".to_string(),
            every_ascii.clone(),
            every_ascii.chars().rev().collect(),
            format!("é\u{2028}\u{7f}{every_ascii}ü\"\\\n"),
            "a\"b\\c\td\u{1}e\u{1f}".repeat(5),
        ];
        for text in texts {
            let expected = serde_json::to_string(&text).unwrap();
            assert_eq!(json(&text), expected, "{text:?}");
        }
        // Escapes at every place in a word, next to each other and apart.
        let alphabet = [
            'a', ' ', '\t', '\n', '"', '\\', '\u{1}', '\u{7f}', 'é', '\u{2028}',
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for length in 0..200 {
            let text: String = (0..length)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            let expected = serde_json::to_string(&text).unwrap();
            assert_eq!(json(&text), expected, "{text:?}");
        }
    }

    #[test]
    fn vlq_values() {
        let encoded = |v| {
            let mut s = String::new();
            vlq(&mut s, v);
            s
        };
        assert_eq!(encoded(0), "A");
        assert_eq!(encoded(1), "C");
        assert_eq!(encoded(-1), "D");
        assert_eq!(encoded(15), "e");
        assert_eq!(encoded(16), "gB");
        assert_eq!(encoded(-16), "hB");
        assert_eq!(encoded(1000), "w+B");
    }
}
