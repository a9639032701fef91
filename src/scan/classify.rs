//! Block classifiers: turn 64 bytes of source into the bitmasks of the bytes
//! the walker must look at in code (bit `i` set when byte `i` of the block
//! is one of them), and search for the bytes it must look at elsewhere.
//! Every classifier computes exactly what the scalar one does.
//!
//! Code is where most of a source's bytes are, and where the walker reacts
//! to the most bytes, so it is what block masks are for. Inside a string,
//! comment, template or JSX text the walker reacts to a few bytes only (a
//! block comment ends at a `/`), and searching ahead for them skips whole
//! comments without classifying a block of them.
//!
//! The sets are chosen so that a byte outside them never changes the
//! walker's state. Tokens the walker needs between two set bits (the token
//! before a `/`, the `(` after `import`) it reads from the source directly,
//! so `(` and `)` are not in them.

/// The bytes of source a mask covers.
pub(crate) const BLOCK: usize = 64;

/// How far past its block a classifier reads: the keyword test of a block's
/// last byte looks at the two bytes after it.
const LOOKAHEAD: usize = 2;

/// A block and the bytes after it that its classification looks at (zeros
/// past the end of the source).
pub(crate) type Window = [u8; BLOCK + LOOKAHEAD];

/// What matters in code in one block: bit `i` of a mask is byte `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    /// `{`. With `}`, half of all the bytes that matter in code. They only
    /// push and pop the walker's brace stack, which it does for a run of
    /// them at once, with no branch on which brace is where: that is why
    /// the two have masks of their own.
    pub(crate) opens: u64,
    /// `}`.
    pub(crate) closes: u64,
    /// The other [`CODE_BYTES`], and where one of [`KEYWORD_PREFIXES`]
    /// starts.
    pub(crate) others: u64,
}

/// The bytes other than braces that matter in code: strings, templates,
/// comments and regexes start at them, and the last one, `<`, may open JSX
/// in the JSX dialects (`>` matters only inside JSX, which is searched).
const CODE_BYTES: [u8; 5] = [b'\'', b'"', b'`', b'/', b'<'];

/// The braces, which matter in code in every dialect.
const BRACES: [u8; 2] = [b'{', b'}'];

/// The bytes other than braces that matter in code in `jsx` dialects or the
/// others.
const fn code_bytes(jsx: bool) -> &'static [u8] {
    if jsx {
        &CODE_BYTES
    } else {
        CODE_BYTES.split_at(CODE_BYTES.len() - 1).0
    }
}

/// The first three bytes of `import`, `export`/`exports`, `require` and
/// `module`. Testing all three keeps out the many other words starting with
/// `i`, `e`, `r` or `m` (`if`, `return`, `render`, `material`) without first
/// finding where words start: the walker checks that itself, and few words
/// hold one of these in their middle (`simple`).
pub(crate) const KEYWORD_PREFIXES: [[u8; 3]; 4] = [*b"imp", *b"exp", *b"req", *b"mod"];

const fn ident_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
        i += 1;
    }
    table
}

const IDENT: [bool; 256] = ident_table();

/// Whether `b` can be part of an identifier (every byte of a non-ASCII
/// character counts).
#[inline]
pub(crate) const fn is_ident(b: u8) -> bool {
    IDENT[b as usize]
}

/// The bytes that matter to strings, templates, comments, braces and (the
/// last two, in JSX dialects only) JSX.
const SIGNIFICANT_BYTES: [u8; 11] = [
    b'\'', b'"', b'`', b'/', b'\\', b'\n', b'$', b'{', b'}', b'<', b'>',
];

/// The first letters of `import`, `export`/`exports`, `require` and
/// `module`, which matter at the start of a word.
const WORD_LETTERS: [u8; 4] = [b'i', b'e', b'r', b'm'];

/// Whether the walker may need to look at byte `p` of `src` in any of its
/// states: every mask and search of every classifier covers a subset of
/// these bytes. The reference scan steps on all of them, which is what makes
/// it a reference for the narrower sets.
pub(crate) fn is_significant(src: &[u8], p: usize, jsx: bool) -> bool {
    let b = src[p];
    let count = if jsx {
        SIGNIFICANT_BYTES.len()
    } else {
        SIGNIFICANT_BYTES.len() - 2
    };
    SIGNIFICANT_BYTES[..count].contains(&b)
        || (WORD_LETTERS.contains(&b) && (p == 0 || !is_ident(src[p - 1])))
}

/// The lookup tables of the shuffle-based classifiers (AVX2, NEON).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod tables {
    use super::{code_bytes, KEYWORD_PREFIXES};

    /// `CODE[b & 15] == b` when `b` is one of the other bytes that matter in
    /// code outside JSX dialects.
    pub(super) const CODE: [u8; 16] = nibble_table(code_bytes(false));
    /// `CODE_JSX[b & 15] == b` when `b` is one of the other bytes that
    /// matter in code in JSX dialects.
    pub(super) const CODE_JSX: [u8; 16] = nibble_table(code_bytes(true));
    /// `PREFIX[0][b & 15] == b` when `b` starts a keyword prefix, and then
    /// `PREFIX[k][b & 15]` is the prefix's byte at `k`.
    pub(super) const PREFIX: [[u8; 16]; 3] = [
        nibble_table(&[
            KEYWORD_PREFIXES[0][0],
            KEYWORD_PREFIXES[1][0],
            KEYWORD_PREFIXES[2][0],
            KEYWORD_PREFIXES[3][0],
        ]),
        prefix_table(1),
        prefix_table(2),
    ];

    /// A table for a byte-shuffle lookup keyed by a byte's low nibble:
    /// entry `n` is the byte of `bytes` whose low nibble is `n`, so that
    /// `table[b & 15] == b` exactly when `b` is one of `bytes`. Entries no
    /// byte claims hold a byte whose low nibble is not their index, which no
    /// byte looking them up can equal.
    const fn nibble_table(bytes: &[u8]) -> [u8; 16] {
        let mut table = [0u8; 16];
        let mut n = 0;
        while n < 16 {
            table[n] = !(n as u8);
            n += 1;
        }
        let mut i = 0;
        while i < bytes.len() {
            let slot = (bytes[i] & 15) as usize;
            assert!(table[slot] == !(slot as u8), "two bytes share a low nibble");
            table[slot] = bytes[i];
            i += 1;
        }
        table
    }

    /// For each keyword prefix, its byte at `offset` in the slot of its
    /// first byte's low nibble (the first bytes' nibbles differ), so that one
    /// lookup by a byte's nibble gives the byte that must follow it at
    /// `offset` for the two to start a keyword. Unclaimed slots hold zero:
    /// the test of the first byte rules them out.
    const fn prefix_table(offset: usize) -> [u8; 16] {
        let mut table = [0u8; 16];
        let mut i = 0;
        while i < KEYWORD_PREFIXES.len() {
            let prefix = KEYWORD_PREFIXES[i];
            table[(prefix[0] & 15) as usize] = prefix[offset];
            i += 1;
        }
        table
    }
}

/// A way of classifying blocks. [`Classifier::Scalar`] runs everywhere; the
/// others exist only where the CPU supports them (see
/// [`Classifier::available`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Classifier {
    /// One byte at a time, portable.
    Scalar,
    /// x86_64 SSE2: 16 bytes at a time.
    Sse2,
    /// x86_64 AVX2: 32 bytes at a time. Counting and finding bits with
    /// POPCNT, LZCNT and BMI1, which every AVX2 CPU has too.
    Avx2,
    /// aarch64 NEON: 16 bytes at a time.
    Neon,
}

impl Classifier {
    /// Every classifier this CPU can run, scalar first.
    pub fn available() -> Vec<Classifier> {
        let mut all = vec![Classifier::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            // SSE2 is part of the x86_64 baseline.
            all.push(Classifier::Sse2);
            if x86::avx2_detected() {
                all.push(Classifier::Avx2);
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            // NEON is part of the aarch64 baseline.
            all.push(Classifier::Neon);
        }
        all
    }

    /// The fastest classifier this CPU can run.
    pub fn best() -> Classifier {
        // Asked once per module: detect once.
        static BEST: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
        *BEST.get_or_init(|| {
            *Classifier::available()
                .last()
                .expect("the scalar classifier is always available")
        })
    }

    /// The code masks of `window`'s block. The scan itself does not come
    /// through here: it inlines the classifier into a driver compiled for its
    /// instruction set.
    ///
    /// # Panics
    /// If this classifier is not one of [`Classifier::available`].
    #[cfg(test)]
    pub(crate) fn classify(self, window: &Window, jsx: bool) -> Masks {
        match self {
            Classifier::Scalar => classify_scalar(window, jsx),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: SSE2 is in the x86_64 baseline, always present.
            Classifier::Sse2 => unsafe { x86::classify_sse2(window, jsx) },
            #[cfg(target_arch = "x86_64")]
            Classifier::Avx2 => {
                assert!(x86::avx2_detected());
                // SAFETY: AVX2 support was checked just above.
                unsafe { x86::classify_avx2(window, jsx) }
            }
            #[cfg(target_arch = "aarch64")]
            // SAFETY: NEON is in the aarch64 baseline, always present.
            Classifier::Neon => unsafe { arm::classify_neon(window, jsx) },
            #[allow(unreachable_patterns)]
            other => panic!("classifier {other:?} is not available on this CPU"),
        }
    }

    /// [`find_scalar`] with this classifier's instructions.
    ///
    /// # Panics
    /// If this classifier is not one of [`Classifier::available`].
    #[cfg(test)]
    pub(crate) fn find(self, src: &[u8], from: usize, needles: [u8; 4]) -> usize {
        match self {
            Classifier::Scalar => find_scalar(src, from, needles),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: SSE2 is in the x86_64 baseline, always present.
            Classifier::Sse2 => unsafe { x86::find_sse2(src, from, needles) },
            #[cfg(target_arch = "x86_64")]
            Classifier::Avx2 => {
                assert!(x86::avx2_detected());
                // SAFETY: AVX2 support was checked just above.
                unsafe { x86::find_avx2(src, from, needles) }
            }
            #[cfg(target_arch = "aarch64")]
            // SAFETY: NEON is in the aarch64 baseline, always present.
            Classifier::Neon => unsafe { arm::find_neon(src, from, needles) },
            #[allow(unreachable_patterns)]
            other => panic!("classifier {other:?} is not available on this CPU"),
        }
    }
}

/// The reference classifier.
pub(crate) fn classify_scalar(window: &Window, jsx: bool) -> Masks {
    let mut masks = Masks::default();
    for i in 0..BLOCK {
        let three = [window[i], window[i + 1], window[i + 2]];
        let other = code_bytes(jsx).contains(&window[i]) || KEYWORD_PREFIXES.contains(&three);
        masks.opens |= u64::from(window[i] == BRACES[0]) << i;
        masks.closes |= u64::from(window[i] == BRACES[1]) << i;
        masks.others |= u64::from(other) << i;
    }
    masks
}

/// The position of the first byte at or after `from` that is one of
/// `needles` (which may repeat a byte to search for fewer), or `src.len()`
/// when there is none.
#[inline]
pub(crate) fn find_scalar(src: &[u8], from: usize, needles: [u8; 4]) -> usize {
    let rest = src.get(from..).unwrap_or_default();
    rest.iter()
        .position(|b| needles.contains(b))
        .map_or(src.len(), |i| from + i)
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod x86 {
    use std::arch::x86_64::*;

    use super::{code_bytes, find_scalar, tables, Masks, Window, BRACES, KEYWORD_PREFIXES};

    /// Whether this CPU has what [`super::Classifier::Avx2`] uses.
    pub(crate) fn avx2_detected() -> bool {
        is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("bmi1")
            && is_x86_feature_detected!("lzcnt")
            && is_x86_feature_detected!("popcnt")
    }

    /// SSE2 has no byte shuffle, so this compares with each byte in turn.
    ///
    /// # Safety
    /// The CPU must support SSE2 (always true on x86_64).
    #[target_feature(enable = "sse2")]
    #[inline]
    pub(crate) unsafe fn classify_sse2(window: &Window, jsx: bool) -> Masks {
        let mut masks = Masks::default();
        for lane in 0..4 {
            // SAFETY: `lane * 16 + 2 + 16 <= window.len()`, so the unaligned
            // 16-byte loads at offsets 0, 1 and 2 stay inside `window`.
            let [c0, c1, c2] = [0, 1, 2]
                .map(|k| unsafe { _mm_loadu_si128(window.as_ptr().add(lane * 16 + k).cast()) });
            let eq = |v: __m128i, b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let mut others = _mm_setzero_si128();
            for &b in code_bytes(jsx) {
                others = _mm_or_si128(others, eq(c0, b));
            }
            for [a, b, c] in KEYWORD_PREFIXES {
                let prefix = _mm_and_si128(_mm_and_si128(eq(c0, a), eq(c1, b)), eq(c2, c));
                others = _mm_or_si128(others, prefix);
            }
            let bits = |v: __m128i| u64::from(_mm_movemask_epi8(v) as u16) << (lane * 16);
            masks.opens |= bits(eq(c0, BRACES[0]));
            masks.closes |= bits(eq(c0, BRACES[1]));
            masks.others |= bits(others);
        }
        masks
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(crate) unsafe fn classify_avx2(window: &Window, jsx: bool) -> Masks {
        // SAFETY: each table is 16 bytes long.
        let table = |t: &[u8; 16]| {
            _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(t.as_ptr().cast()) })
        };
        let code = table(if jsx {
            &tables::CODE_JSX
        } else {
            &tables::CODE
        });
        let [open, close] = BRACES.map(|b| _mm256_set1_epi8(b as i8));
        let [first, second, third] = tables::PREFIX.each_ref().map(table);
        let mut masks = Masks::default();
        for lane in 0..2 {
            // SAFETY: `lane * 32 + 2 + 32 <= window.len()`, so the unaligned
            // 32-byte loads at offsets 0, 1 and 2 stay inside `window`.
            let [c0, c1, c2] = [0, 1, 2]
                .map(|k| unsafe { _mm256_loadu_si256(window.as_ptr().add(lane * 32 + k).cast()) });
            // Each byte looks up by its low nibble the one byte it must be to
            // be a brace or another byte that matters in code, and the ones
            // that must follow it to start a keyword. The shuffle looks at
            // the low nibble alone, but gives zero for a byte whose high bit
            // is set: no such byte matters, and it differs from zero.
            let is = |t: __m256i, v: __m256i| _mm256_cmpeq_epi8(_mm256_shuffle_epi8(t, c0), v);
            let prefix = _mm256_and_si256(
                is(first, c0),
                _mm256_and_si256(is(second, c1), is(third, c2)),
            );
            let others = _mm256_or_si256(is(code, c0), prefix);
            let bits = |v: __m256i| u64::from(_mm256_movemask_epi8(v) as u32) << (lane * 32);
            masks.opens |= bits(_mm256_cmpeq_epi8(c0, open));
            masks.closes |= bits(_mm256_cmpeq_epi8(c0, close));
            masks.others |= bits(others);
        }
        masks
    }

    /// # Safety
    /// The CPU must support SSE2 (always true on x86_64).
    #[target_feature(enable = "sse2")]
    #[inline]
    pub(crate) unsafe fn find_sse2(src: &[u8], from: usize, needles: [u8; 4]) -> usize {
        let [n0, n1, n2, n3] = needles.map(|b| _mm_set1_epi8(b as i8));
        let mut i = from;
        while i + 16 <= src.len() {
            // SAFETY: `i + 16 <= src.len()`.
            let v = unsafe { _mm_loadu_si128(src.as_ptr().add(i).cast()) };
            let hits = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, n0), _mm_cmpeq_epi8(v, n1)),
                _mm_or_si128(_mm_cmpeq_epi8(v, n2), _mm_cmpeq_epi8(v, n3)),
            );
            let bits = _mm_movemask_epi8(hits) as u32;
            if bits != 0 {
                return i + bits.trailing_zeros() as usize;
            }
            i += 16;
        }
        find_scalar(src, i, needles)
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(crate) unsafe fn find_avx2(src: &[u8], from: usize, needles: [u8; 4]) -> usize {
        let [n0, n1, n2, n3] = needles.map(|b| _mm256_set1_epi8(b as i8));
        let mut i = from;
        while i + 32 <= src.len() {
            // SAFETY: `i + 32 <= src.len()`.
            let v = unsafe { _mm256_loadu_si256(src.as_ptr().add(i).cast()) };
            let hits = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v, n0), _mm256_cmpeq_epi8(v, n1)),
                _mm256_or_si256(_mm256_cmpeq_epi8(v, n2), _mm256_cmpeq_epi8(v, n3)),
            );
            let bits = _mm256_movemask_epi8(hits) as u32;
            if bits != 0 {
                return i + bits.trailing_zeros() as usize;
            }
            i += 32;
        }
        find_scalar(src, i, needles)
    }
}

#[cfg(target_arch = "aarch64")]
pub(crate) mod arm {
    use std::arch::aarch64::*;

    use super::{find_scalar, tables, Masks, Window, BRACES};

    /// Packs four 16-lane compare results (each lane 0 or 0xff) into a u64.
    ///
    /// # Safety
    /// The CPU must support NEON (always true on aarch64).
    #[target_feature(enable = "neon")]
    #[inline]
    unsafe fn movemask(lanes: [uint8x16_t; 4]) -> u64 {
        // Bit `i % 8` for byte `i`: after masking, pairwise additions fold
        // each group of eight lanes into one byte of the result.
        const WEIGHTS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];
        // SAFETY: WEIGHTS is 16 bytes long.
        let weights = unsafe { vld1q_u8(WEIGHTS.as_ptr()) };
        let sum01 = vpaddq_u8(vandq_u8(lanes[0], weights), vandq_u8(lanes[1], weights));
        let sum23 = vpaddq_u8(vandq_u8(lanes[2], weights), vandq_u8(lanes[3], weights));
        let sum = vpaddq_u8(sum01, sum23);
        let sum = vpaddq_u8(sum, sum);
        vgetq_lane_u64::<0>(vreinterpretq_u64_u8(sum))
    }

    /// # Safety
    /// The CPU must support NEON (always true on aarch64).
    #[target_feature(enable = "neon")]
    #[inline]
    pub(crate) unsafe fn classify_neon(window: &Window, jsx: bool) -> Masks {
        // SAFETY (every `vld1q_u8` of a table): each table is 16 bytes long.
        let code = unsafe {
            vld1q_u8(if jsx {
                tables::CODE_JSX.as_ptr()
            } else {
                tables::CODE.as_ptr()
            })
        };
        let [open, close] = BRACES.map(|b| vdupq_n_u8(b));
        let [first, second, third] = tables::PREFIX
            .each_ref()
            .map(|t| unsafe { vld1q_u8(t.as_ptr()) });
        let lanes = [0, 1, 2, 3].map(|lane| {
            // SAFETY: `lane * 16 + 2 + 16 <= window.len()`, so the 16-byte
            // loads at offsets 0, 1 and 2 stay inside `window`.
            let [c0, c1, c2] =
                [0, 1, 2].map(|k| unsafe { vld1q_u8(window.as_ptr().add(lane * 16 + k)) });
            // As in the AVX2 classifier: a lookup by each byte's low nibble.
            let nibble = vandq_u8(c0, vdupq_n_u8(15));
            let is = |t: uint8x16_t, v: uint8x16_t| vceqq_u8(vqtbl1q_u8(t, nibble), v);
            let prefix = vandq_u8(is(first, c0), vandq_u8(is(second, c1), is(third, c2)));
            (
                vceqq_u8(c0, open),
                vceqq_u8(c0, close),
                vorrq_u8(is(code, c0), prefix),
            )
        });
        // SAFETY: this function's caller guarantees NEON.
        unsafe {
            Masks {
                opens: movemask(lanes.map(|(opens, _, _)| opens)),
                closes: movemask(lanes.map(|(_, closes, _)| closes)),
                others: movemask(lanes.map(|(_, _, others)| others)),
            }
        }
    }

    /// # Safety
    /// The CPU must support NEON (always true on aarch64).
    #[target_feature(enable = "neon")]
    #[inline]
    pub(crate) unsafe fn find_neon(src: &[u8], from: usize, needles: [u8; 4]) -> usize {
        let [n0, n1, n2, n3] = needles.map(|b| vdupq_n_u8(b));
        let mut i = from;
        while i + 16 <= src.len() {
            // SAFETY: `i + 16 <= src.len()`.
            let v = unsafe { vld1q_u8(src.as_ptr().add(i)) };
            let hits = vorrq_u8(
                vorrq_u8(vceqq_u8(v, n0), vceqq_u8(v, n1)),
                vorrq_u8(vceqq_u8(v, n2), vceqq_u8(v, n3)),
            );
            // Narrowing each 16-bit pair by 4 bits keeps four bits per byte:
            // the first hit is the lowest set nibble.
            let nibbles = vshrn_n_u16::<4>(vreinterpretq_u16_u8(hits));
            let bits = vget_lane_u64::<0>(vreinterpret_u64_u8(nibbles));
            if bits != 0 {
                return i + (bits.trailing_zeros() / 4) as usize;
            }
            i += 16;
        }
        find_scalar(src, i, needles)
    }
}
