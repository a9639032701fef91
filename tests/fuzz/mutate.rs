//! Mutations of a program: byte-level edits (delete, insert, duplicate,
//! swap a range; insert a punctuation byte or a dictionary token) and
//! structured ones (splice a line or a balanced-bracket span from another
//! seed, nest a construct up to a few thousand deep, insert a statement,
//! rename an identifier everywhere, link modules into chains and cycles).
//! Each returns a line describing what it did, for the report.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::dictionary::{self, Nesting};
use crate::program::Program;
use crate::rng::Rng;

/// The deepest nesting tried.
const MAX_DEPTH: usize = 4000;

/// The longest chain of generated modules.
const MAX_CHAIN: usize = 600;

/// Every source file of every seed: what splices take lines and spans from.
pub struct Donors(pub Vec<Vec<u8>>);

/// Mutates one to four times; returns what was done, one line each.
pub fn mutate_program(rng: &mut Rng, program: &mut Program, donors: &Donors) -> Vec<String> {
    let count = rng.range(1, 4);
    (0..count)
        .map(|_| mutate_once(rng, program, donors))
        .collect()
}

fn mutate_once(rng: &mut Rng, program: &mut Program, donors: &Donors) -> String {
    match rng.below(40) {
        0 => add_module_chain(rng, program),
        1 => import_sibling(rng, program),
        2 => pre_existing_output(program),
        _ => mutate_source(rng, program, donors),
    }
}

/// A mutation of the text of one source file, the entry half of the time.
fn mutate_source(rng: &mut Rng, program: &mut Program, donors: &Donors) -> String {
    let sources = program.sources();
    let path = if sources.is_empty() || rng.one_in(2) {
        program.entry.clone()
    } else {
        rng.pick(&sources).clone()
    };
    let text = program.files.entry(path.clone()).or_default();
    let what = mutate_text(rng, text, donors);
    format!("{}: {what}", path.display())
}

type TextMutation = fn(&mut Rng, &mut Vec<u8>, &Donors) -> String;

/// Byte-level mutations and structured ones, about as often.
const TEXT_MUTATIONS: &[TextMutation] = &[
    delete_range,
    insert_punctuation,
    insert_token,
    insert_token,
    duplicate_range,
    swap_ranges,
    splice_line,
    splice_span,
    nest_expression,
    nest_expression,
    nest_statement,
    repeat_numbered,
    insert_statement,
    insert_statement,
    rename_identifier,
    edit_lines,
];

pub fn mutate_text(rng: &mut Rng, text: &mut Vec<u8>, donors: &Donors) -> String {
    let mutation = rng.pick(TEXT_MUTATIONS);
    mutation(rng, text, donors)
}

fn delete_range(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let range = random_range(rng, text.len());
    text.drain(range.clone());
    format!("deleted bytes {range:?}")
}

fn insert_punctuation(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let at = rng.below(text.len() + 1);
    let byte = if rng.one_in(20) {
        rng.below(256) as u8
    } else {
        *rng.pick(dictionary::PUNCTUATION)
    };
    text.insert(at, byte);
    format!("inserted byte {byte:#04x} at {at}")
}

fn insert_token(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let at = rng.below(text.len() + 1);
    let token = rng.pick(dictionary::TOKENS);
    text.splice(at..at, token.bytes());
    format!("inserted {token:?} at {at}")
}

fn duplicate_range(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let range = random_range(rng, text.len());
    let copy = text[range.clone()].to_vec();
    let at = if rng.one_in(2) {
        range.end
    } else {
        rng.below(text.len() + 1)
    };
    text.splice(at..at, copy);
    format!("copied bytes {range:?} to {at}")
}

fn swap_ranges(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let first = random_range(rng, text.len());
    let second = random_range(rng, text.len() - first.end);
    let second = first.end + second.start..first.end + second.end;
    let moved = [
        &text[second.clone()],
        &text[first.end..second.start],
        &text[first.clone()],
    ]
    .concat();
    text.splice(first.start..second.end, moved);
    format!("swapped bytes {first:?} and {second:?}")
}

fn splice_line(rng: &mut Rng, text: &mut Vec<u8>, donors: &Donors) -> String {
    let donor = rng.pick(&donors.0);
    let lines = line_starts(donor);
    let start = *rng.pick(&lines);
    let end = donor[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(donor.len(), |i| start + i + 1);
    let at = *rng.pick(&line_starts(text));
    let mut line = donor[start..end].to_vec();
    if line.last() != Some(&b'\n') {
        line.push(b'\n');
    }
    text.splice(at..at, line);
    format!("spliced a line of another seed at {at}")
}

fn splice_span(rng: &mut Rng, text: &mut Vec<u8>, donors: &Donors) -> String {
    let donor = rng.pick(&donors.0);
    let Some(span) = random_balanced_span(rng, donor) else {
        return "found no balanced span to splice".to_string();
    };
    let piece = donor[span].to_vec();
    match random_balanced_span(rng, text) {
        Some(target) if rng.one_in(2) => {
            let what = format!("replaced the balanced span {target:?} with one of another seed");
            text.splice(target, piece);
            what
        }
        _ => {
            let at = rng.below(text.len() + 1);
            text.splice(at..at, piece);
            format!("spliced a balanced span of another seed at {at}")
        }
    }
}

fn nest_expression(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let nesting = rng.pick(dictionary::EXPRESSIONS);
    let k = rng.log_uniform(MAX_DEPTH);
    let expression = nesting.build(k);
    let statement = match rng.below(4) {
        0 => format!("export const fzNest{k} = {expression};\n"),
        1 => format!("var fzNest = {expression};\n"),
        _ => format!("console.log({expression});\n"),
    };
    insert_at_line(rng, text, &statement);
    format!("nested {} {k} deep", nesting.name)
}

fn nest_statement(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let nesting: &Nesting = rng.pick(dictionary::STATEMENT_NESTINGS);
    let k = rng.log_uniform(MAX_DEPTH);
    insert_at_line(rng, text, &format!("{}\n", nesting.build(k)));
    format!("nested {} {k} deep", nesting.name)
}

fn repeat_numbered(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let k = rng.log_uniform(MAX_DEPTH);
    let (name, statements) = dictionary::numbered(rng.below(4), k);
    insert_at_line(rng, text, &statements);
    format!("inserted {k} {name}")
}

fn insert_statement(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let statement = rng.pick(dictionary::STATEMENTS);
    insert_at_line(rng, text, &format!("{statement}\n"));
    format!("inserted {statement:?}")
}

fn rename_identifier(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let words = identifiers(text);
    if words.is_empty() {
        return "found no identifier to rename".to_string();
    }
    let old = rng.pick(&words).clone();
    let new = rng.pick(dictionary::NAMES);
    *text = replace_word(text, &old, new.as_bytes());
    format!("renamed {:?} to {new:?}", String::from_utf8_lossy(&old))
}

fn edit_lines(rng: &mut Rng, text: &mut Vec<u8>, _: &Donors) -> String {
    let mut lines: Vec<Vec<u8>> = text
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    if lines.is_empty() {
        return "found no line to edit".to_string();
    }
    let i = rng.below(lines.len());
    let j = rng.below(lines.len());
    let what = match rng.below(3) {
        0 => {
            lines.remove(i);
            format!("deleted line {}", i + 1)
        }
        1 => {
            let line = lines[i].clone();
            lines.insert(j, line);
            format!("copied line {} before line {}", i + 1, j + 1)
        }
        _ => {
            lines.swap(i, j);
            format!("swapped lines {} and {}", i + 1, j + 1)
        }
    };
    *text = lines.concat();
    what
}

/// A new chain of modules, each importing the next (or requiring it), the
/// last importing the first half of the time; the source imports the first.
fn add_module_chain(rng: &mut Rng, program: &mut Program) -> String {
    let length = rng.log_uniform(MAX_CHAIN);
    let cyclic = rng.one_in(2);
    let commonjs = rng.one_in(3);
    let extension = if commonjs { "cjs" } else { "mjs" };
    let folder = program
        .entry
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let link = |i: usize| {
        let next = format!("./fz_chain_{i}.{extension}");
        if commonjs {
            format!("require({next:?});\n")
        } else {
            format!("import {next:?};\n")
        }
    };
    for i in 0..length {
        let next = if i + 1 < length {
            link(i + 1)
        } else if cyclic {
            link(0)
        } else {
            String::new()
        };
        let text = format!("{next}globalThis.fzChain = {i};\n");
        program.files.insert(
            folder.join(format!("fz_chain_{i}.{extension}")),
            text.into_bytes(),
        );
    }
    let entry = program.files.entry(program.entry.clone()).or_default();
    entry.splice(0..0, link(0).into_bytes());
    let shape = if cyclic { "cycle" } else { "chain" };
    format!(
        "{}: imports a {shape} of {length} .{extension} modules",
        program.entry.display()
    )
}

/// An import or a require of another module of the same folder, at the
/// start of a line of a source file: new edges, new cycles.
fn import_sibling(rng: &mut Rng, program: &mut Program) -> String {
    let sources = program.sources();
    if sources.is_empty() {
        return "found no module to import".to_string();
    }
    let from = rng.pick(&sources).clone();
    let siblings: Vec<&PathBuf> = program
        .files
        .keys()
        .filter(|p| p.parent() == from.parent())
        .collect();
    let target = rng.pick(&siblings);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let statement = match rng.below(3) {
        0 => format!("import './{name}';\n"),
        1 => format!("import * as fzSibling from './{name}'; console.log(typeof fzSibling);\n"),
        _ => format!("require('./{name}');\n"),
    };
    let text = program.files.entry(from.clone()).or_default();
    insert_at_line(rng, text, &statement);
    format!("{}: inserted {:?}", from.display(), statement.trim_end())
}

/// An output file already in place, which a failed build must leave alone
/// and a successful one replaces.
fn pre_existing_output(program: &mut Program) -> String {
    program.files.insert(
        PathBuf::from(crate::program::OUTFILE),
        b"PRE-EXISTING\n".to_vec(),
    );
    format!("{} exists before the build", crate::program::OUTFILE)
}

/// A range of up to 64 bytes, more often short, within `0..len`.
fn random_range(rng: &mut Rng, len: usize) -> Range<usize> {
    let start = rng.below(len + 1);
    let max = (len - start).min(64);
    let length = if max == 0 { 0 } else { rng.log_uniform(max) };
    start..start + length
}

/// The offset of every line's first byte.
fn line_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        text.iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

fn insert_at_line(rng: &mut Rng, text: &mut Vec<u8>, insert: &str) {
    let at = *rng.pick(&line_starts(text));
    text.splice(at..at, insert.bytes());
}

/// A bracketed span from a random opening bracket to the bracket that
/// closes it, counting only brackets of its kind (strings and comments are
/// not skipped: an unbalanced pick is a mutation too).
fn random_balanced_span(rng: &mut Rng, text: &[u8]) -> Option<Range<usize>> {
    let from = rng.below(text.len() + 1);
    let start = from + text[from..].iter().position(|b| b"([{".contains(b))?;
    let (open, close) = match text[start] {
        b'(' => (b'(', b')'),
        b'[' => (b'[', b']'),
        _ => (b'{', b'}'),
    };
    let mut depth = 0usize;
    for (i, &b) in text[start..].iter().enumerate().take(1 << 14) {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return Some(start..start + i + 1);
            }
        }
    }
    None
}

/// Every distinct ASCII identifier-like word of the text.
fn identifiers(text: &[u8]) -> Vec<Vec<u8>> {
    let mut words: Vec<Vec<u8>> = words(text).map(|r| text[r].to_vec()).collect();
    words.sort();
    words.dedup();
    words
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The ranges of the words that start with a letter, `_` or `$`.
fn words(text: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            let start = i;
            while i < text.len() && is_word_byte(text[i]) {
                i += 1;
            }
            if i == start {
                i += 1;
            } else if !text[start].is_ascii_digit() {
                return Some(start..i);
            }
        }
        None
    })
}

fn replace_word(text: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut copied = 0;
    for range in words(text).filter(|r| &text[r.clone()] == old) {
        out.extend_from_slice(&text[copied..range.start]);
        out.extend_from_slice(new);
        copied = range.end;
    }
    out.extend_from_slice(&text[copied..]);
    out
}
