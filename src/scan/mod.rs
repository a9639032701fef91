//! The structural pre-scan: finds a module's import specifiers without
//! parsing it, so its dependencies can be resolved and loaded while it is
//! still being parsed.
//!
//! Built the way simdjson's first stage is: a classifier turns each 64-byte
//! block of code into bitmasks of the bytes that can matter there (one each
//! for `{` and `}`; one of quotes, `/`, where `import`, `export`, `require`
//! or `module` may start, and `<` when JSX may appear), and a small scalar
//! state machine walks only the set bits, tracking strings, template
//! literals with `${}` nesting, comments, regular expressions and JSX text.
//! Inside those the few bytes it reacts to (inside a block comment, only
//! `/`) are searched for instead, which skips a long comment without
//! classifying it. The classifier is picked at run time (AVX2 or SSE2 on
//! x86_64, NEON on aarch64, scalar elsewhere); all of them give the same
//! result as walking every byte.
//!
//! The result is a fast guess, not the truth: the parser's import list is.
//!
//! ```
//! use weft::scan::{prescan, Dialect, ScanKind};
//!
//! let source = b"import a from './a.js';\nconst b = require('b');\n";
//! let scan = prescan(source, Dialect::default());
//! let found: Vec<_> = scan.imports.iter().map(|i| (&*i.specifier, i.kind)).collect();
//! assert_eq!(found, [("./a.js", ScanKind::Import), ("b", ScanKind::Require)]);
//! assert!(scan.esm_syntax && scan.commonjs_syntax);
//! ```

mod classify;
mod walker;

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

pub use classify::Classifier;
use classify::{Masks, Window, BLOCK};
use walker::{Find, Walker};

/// What syntax a source file may contain, from its extension.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dialect {
    /// JSX elements may appear (`.jsx`, `.tsx`): their text is not code.
    pub jsx: bool,
    /// TypeScript (`.ts`, `.tsx`, `.mts`, `.cts`): `import type` and
    /// `export type … from` are erased and are not imports.
    pub typescript: bool,
}

impl Dialect {
    /// The dialect of a file, by its extension.
    pub fn from_path(path: &Path) -> Dialect {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        Dialect {
            jsx: matches!(ext, "jsx" | "tsx"),
            typescript: matches!(ext, "ts" | "tsx" | "mts" | "cts"),
        }
    }
}

/// How a specifier was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScanKind {
    /// `import … from 'x'` or `import 'x'`.
    Import,
    /// `export … from 'x'`.
    ReExport,
    /// `import('x')`.
    Dynamic,
    /// `require('x')`.
    Require,
}

/// One import specifier found by the pre-scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannedImport<'a> {
    /// The string's value, escapes decoded: borrowed from the source unless
    /// it has escapes or is not valid UTF-8.
    pub specifier: Cow<'a, str>,
    /// The byte range of the string literal in the source, quotes included.
    pub range: Range<usize>,
    pub kind: ScanKind,
}

/// What the pre-scan found in one source file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prescan<'a> {
    /// In source order.
    pub imports: Vec<ScannedImport<'a>>,
    /// A top-level `import`/`export` declaration or `import.meta` was seen.
    pub esm_syntax: bool,
    /// `module`, `exports` or `require` was seen outside strings and
    /// comments (and not as a property name).
    pub commonjs_syntax: bool,
}

/// Pre-scans `source` with the fastest classifier this CPU supports.
pub fn prescan(source: &[u8], dialect: Dialect) -> Prescan<'_> {
    prescan_with(source, dialect, Classifier::best())
}

/// Pre-scans `source`, classifying blocks with `classifier`.
///
/// # Panics
/// If `classifier` is not one of [`Classifier::available`].
pub fn prescan_with(source: &[u8], dialect: Dialect, classifier: Classifier) -> Prescan<'_> {
    without_bom(source, |source| match classifier {
        Classifier::Scalar => drive(
            source,
            dialect,
            false,
            classify::classify_scalar,
            classify::find_scalar,
        ),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is in the x86_64 baseline, always present.
        Classifier::Sse2 => unsafe { drive_sse2(source, dialect) },
        #[cfg(target_arch = "x86_64")]
        Classifier::Avx2 => {
            assert!(classify::x86::avx2_detected());
            // SAFETY: support for AVX2 and the rest was checked just above.
            unsafe { drive_avx2(source, dialect) }
        }
        #[cfg(target_arch = "aarch64")]
        // SAFETY: NEON is in the aarch64 baseline, always present.
        Classifier::Neon => unsafe { drive_neon(source, dialect) },
        #[allow(unreachable_patterns)]
        other => panic!("classifier {other:?} is not available on this CPU"),
    })
}

/// Scans `source` past its byte order mark, if any (its last byte would
/// otherwise read as part of a word glued to the first token), with ranges
/// still counted from the start of `source`.
fn without_bom<'a>(source: &'a [u8], scan: impl FnOnce(&'a [u8]) -> Prescan<'a>) -> Prescan<'a> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let Some(body) = source.strip_prefix(BOM) else {
        return scan(source);
    };
    let mut found = scan(body);
    for import in &mut found.imports {
        import.range = import.range.start + BOM.len()..import.range.end + BOM.len();
    }
    found
}

// Each driver is compiled for its instruction set so that the classifier
// inlines into the block loop.

/// # Safety
/// The CPU must support SSE2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
unsafe fn drive_sse2(source: &[u8], dialect: Dialect) -> Prescan<'_> {
    // SAFETY: this function's caller guarantees SSE2.
    drive(
        source,
        dialect,
        false,
        |window, jsx| unsafe { classify::x86::classify_sse2(window, jsx) },
        |src, from, needles| unsafe { classify::x86::find_sse2(src, from, needles) },
    )
}

/// # Safety
/// The CPU must support AVX2, BMI1, LZCNT and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,lzcnt,popcnt")]
unsafe fn drive_avx2(source: &[u8], dialect: Dialect) -> Prescan<'_> {
    // SAFETY: this function's caller guarantees AVX2 and the rest.
    drive(
        source,
        dialect,
        true,
        |window, jsx| unsafe { classify::x86::classify_avx2(window, jsx) },
        |src, from, needles| unsafe { classify::x86::find_avx2(src, from, needles) },
    )
}

/// # Safety
/// The CPU must support NEON.
#[cfg(target_arch = "aarch64")]
#[target_feature(enable = "neon")]
unsafe fn drive_neon(source: &[u8], dialect: Dialect) -> Prescan<'_> {
    // SAFETY: this function's caller guarantees NEON.
    drive(
        source,
        dialect,
        // Table lookups, as AVX2, but not yet measured ahead of the walk.
        false,
        |window, jsx| unsafe { classify::arm::classify_neon(window, jsx) },
        |src, from, needles| unsafe { classify::arm::find_neon(src, from, needles) },
    )
}

/// Walks `source`: in code, over the set bits of each block's code masks;
/// in JSX text and tags, from one search hit to the next. With
/// `ahead_of_walk`, each block is classified while the walk is still in the
/// one before it.
///
/// The walk first only counts the braces outside template substitutions
/// and JSX; in the rare source where that loses its way (see
/// [`Walker::lost`]) it walks again tracking them all.
#[inline(always)]
fn drive<'a>(
    source: &'a [u8],
    dialect: Dialect,
    ahead_of_walk: bool,
    classify: impl Fn(&Window, bool) -> Masks,
    find: impl Find,
) -> Prescan<'a> {
    // One walk in the code, not two: the second is rare.
    let mut track_all = false;
    loop {
        if let Some(found) = walk(source, dialect, ahead_of_walk, &classify, &find, track_all) {
            return found;
        }
        track_all = true;
    }
}

/// [`drive`]'s walk: `None` when it lost its way for counting braces
/// rather than tracking them all.
#[inline(always)]
fn walk<'a>(
    source: &'a [u8],
    dialect: Dialect,
    ahead_of_walk: bool,
    classify: &impl Fn(&Window, bool) -> Masks,
    find: &impl Find,
    track_all: bool,
) -> Option<Prescan<'a>> {
    let (mut walker, mut pos) = Walker::new(source, dialect, find, track_all);
    let mut tail: Window = [0; _];
    // The block whose code masks are `masks` (from `block_start`, of
    // `BLOCK` bytes); none yet.
    let mut block_start = NO_BLOCK;
    let mut masks = Masks::default();
    // The block classified ahead of the walk, and its masks.
    let mut ahead_start = NO_BLOCK;
    let mut ahead = Masks::default();
    while pos < source.len() {
        // Only JSX takes the walker out of code.
        if dialect.jsx && !walker.in_code() {
            pos = find(source, pos, walker.needles());
            if pos >= source.len() {
                break;
            }
            pos = walker.step_significant(pos);
            continue;
        }
        // A block starts where the walk enters it, not at a multiple of its
        // size: after a string or comment that ends past the block it began
        // in, the walk goes on with the 64 bytes from where code resumes.
        // That is fewer blocks than from aligned ones (4% faster).
        if pos.wrapping_sub(block_start) >= BLOCK {
            (block_start, masks) = if pos.wrapping_sub(ahead_start) < BLOCK {
                (ahead_start, ahead)
            } else {
                (
                    pos,
                    classify(window_at(source, pos, &mut tail), dialect.jsx),
                )
            };
            // The walk most often goes on into the next block: classifying it
            // now overlaps with walking this one. That pays where classifying
            // is a few table lookups whose latency the walk would wait on
            // (AVX2: 7% faster), not where it is a long run of comparisons
            // (SSE2: 5% slower) or a loop (scalar: 16% slower).
            if ahead_of_walk && block_start + BLOCK < source.len() {
                ahead_start = block_start + BLOCK;
                ahead = classify(window_at(source, ahead_start, &mut tail), dialect.jsx);
            }
        }
        // Walk the block's bits from `pos` while in code: the braces before
        // the next other byte, then that byte.
        loop {
            let from_pos = !0u64 << (pos - block_start);
            let others = masks.others & from_pos;
            // All ones when there is no other byte.
            let before_next = (others & others.wrapping_neg()).wrapping_sub(1);
            let run = from_pos & before_next;
            if !walker.tracks_braces() {
                walker.count_braces(masks.opens & run, masks.closes & run);
            } else if let Some(end) =
                walker.walk_braces(block_start, masks.opens & run, masks.closes & run)
            {
                // A `}` that ends a substitution or a JSX expression moves
                // the walk on elsewhere.
                pos = end;
                break;
            }
            if others == 0 {
                pos = block_start + BLOCK;
                break;
            }
            pos = walker.step_code(block_start + others.trailing_zeros() as usize);
            if pos >= block_start + BLOCK || (dialect.jsx && !walker.in_code()) {
                break;
            }
        }
    }
    (!walker.lost()).then_some(walker.out)
}

/// A block start that no position is in the block of: `pos - NO_BLOCK`
/// wraps around to more than [`BLOCK`].
const NO_BLOCK: usize = usize::MAX - BLOCK;

/// The block of `source` at `start` and the bytes after it that classifying
/// it reads, in `tail` when they run past the end.
#[inline(always)]
fn window_at<'t>(source: &'t [u8], start: usize, tail: &'t mut Window) -> &'t Window {
    match source.get(start..start + tail.len()) {
        Some(inside) => inside.try_into().expect("the slice is a window long"),
        None => {
            // The last blocks: pad with zero bytes, which matter nowhere.
            let rest = &source[start..];
            tail[..rest.len()].copy_from_slice(rest);
            tail[rest.len()..].fill(0);
            tail
        }
    }
}

/// Pre-scans `source` one byte at a time: the reference every classifier is
/// tested against.
pub fn prescan_reference(source: &[u8], dialect: Dialect) -> Prescan<'_> {
    without_bom(source, |source| {
        // Strings, comments and templates stop at every significant byte, not
        // only at the few they react to.
        let next_significant = |src: &[u8], from: usize, _needles: [u8; 4]| {
            (from..src.len())
                .find(|&i| classify::is_significant(src, i, dialect.jsx))
                .unwrap_or(src.len())
        };
        let (mut walker, mut pos) = Walker::new(source, dialect, next_significant, true);
        while pos < source.len() {
            pos = walker.step(pos);
        }
        walker.out
    })
}

#[cfg(test)]
mod tests;
