//! Block classifiers: turn 64 bytes of source into bitmasks of the bytes
//! the walker must look at (bit `i` set when byte `i` of the block is one of
//! them). Every classifier computes exactly the masks of the scalar one.
//!
//! The sets are chosen so that a byte outside them never changes the
//! walker's state. Tokens the walker needs between two set bits (the token
//! before a `/`, the `(` after `import`) it reads from the source directly,
//! so `(` and `)` are not in them.

/// The bytes that matter to strings, templates, comments, braces and (the
/// last two, in JSX dialects only) JSX; each gets its own mask so that the
/// walker looks only at what its current state reacts to.
const BYTES: [u8; 11] = [
    b'\'', b'"', b'`', b'/', b'\\', b'\n', b'$', b'{', b'}', b'<', b'>',
];
/// The first letters of `import`, `export`/`exports`, `require` and
/// `module`: significant at the start of a word only, and only in code.
const WORD_LETTERS: [u8; 4] = [b'i', b'e', b'r', b'm'];

/// What a classifier computes for one block: a mask per byte of [`BYTES`],
/// the identifier bytes, and the bytes of [`WORD_LETTERS`].
pub(crate) struct RawMasks {
    bytes: [u64; BYTES.len()],
    ident: u64,
    letters: u64,
}

/// The bitmasks of one block, by what they are significant to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BlockMasks {
    pub single_quote: u64,
    pub double_quote: u64,
    pub backtick: u64,
    pub slash: u64,
    pub backslash: u64,
    pub newline: u64,
    pub dollar: u64,
    /// `{` and `}`.
    pub braces: u64,
    /// `<` and `>`, in JSX dialects only.
    pub angles: u64,
    /// `i`, `e`, `r`, `m` where a word starts.
    pub words: u64,
}

const fn byte_table(jsx: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let count = if jsx { BYTES.len() } else { BYTES.len() - 2 };
    let mut i = 0;
    while i < count {
        table[BYTES[i] as usize] = true;
        i += 1;
    }
    table
}

const SIGNIFICANT: [bool; 256] = byte_table(false);
const SIGNIFICANT_JSX: [bool; 256] = byte_table(true);

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
pub(crate) fn is_ident(b: u8) -> bool {
    IDENT[b as usize]
}

/// Whether the walker may need to look at byte `p` of `src`: the union of
/// every mask in [`BlockMasks`].
pub(crate) fn is_significant(src: &[u8], p: usize, jsx: bool) -> bool {
    let b = src[p];
    let table = if jsx { &SIGNIFICANT_JSX } else { &SIGNIFICANT };
    table[b as usize] || (WORD_LETTERS.contains(&b) && (p == 0 || !is_ident(src[p - 1])))
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
    /// x86_64 AVX2: 32 bytes at a time.
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
            if std::arch::is_x86_feature_detected!("avx2") {
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
        *Classifier::available()
            .last()
            .expect("the scalar classifier is always available")
    }

    /// The masks of `block`, whose preceding byte in the source is `before`
    /// (0 at the start of the source). The scan itself does not come through
    /// here: it inlines the classifier into a driver compiled for its
    /// instruction set.
    ///
    /// # Panics
    /// If this classifier is not one of [`Classifier::available`].
    #[cfg(test)]
    pub(crate) fn classify(self, block: &[u8; 64], before: u8, jsx: bool) -> BlockMasks {
        let raw = match self {
            Classifier::Scalar => classify_scalar(block),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: SSE2 is in the x86_64 baseline, always present.
            Classifier::Sse2 => unsafe { x86::classify_sse2(block) },
            #[cfg(target_arch = "x86_64")]
            Classifier::Avx2 => {
                assert!(std::arch::is_x86_feature_detected!("avx2"));
                // SAFETY: AVX2 support was checked just above.
                unsafe { x86::classify_avx2(block) }
            }
            #[cfg(target_arch = "aarch64")]
            // SAFETY: NEON is in the aarch64 baseline, always present.
            Classifier::Neon => unsafe { arm::classify_neon(block) },
            #[allow(unreachable_patterns)]
            other => panic!("classifier {other:?} is not available on this CPU"),
        };
        BlockMasks::new(&raw, before, jsx)
    }
}

impl BlockMasks {
    /// Assembles the masks of a block from what a classifier found in it and
    /// the byte before it (0 at the start of the source).
    #[inline(always)]
    pub(crate) fn new(raw: &RawMasks, before: u8, jsx: bool) -> BlockMasks {
        let [single_quote, double_quote, backtick, slash, backslash, newline, dollar, open, close, less, greater] =
            raw.bytes;
        // A letter starts a word when the byte before it is not part of one.
        let ident_before = (raw.ident << 1) | u64::from(is_ident(before));
        BlockMasks {
            single_quote,
            double_quote,
            backtick,
            slash,
            backslash,
            newline,
            dollar,
            braces: open | close,
            angles: if jsx { less | greater } else { 0 },
            words: raw.letters & !ident_before,
        }
    }
}

/// The reference classifier.
pub(crate) fn classify_scalar(block: &[u8; 64]) -> RawMasks {
    let mut raw = RawMasks {
        bytes: [0; BYTES.len()],
        ident: 0,
        letters: 0,
    };
    for (i, &b) in block.iter().enumerate() {
        for (mask, &byte) in raw.bytes.iter_mut().zip(&BYTES) {
            *mask |= u64::from(b == byte) << i;
        }
        raw.ident |= u64::from(is_ident(b)) << i;
        raw.letters |= u64::from(WORD_LETTERS.contains(&b)) << i;
    }
    raw
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod x86 {
    use std::arch::x86_64::*;

    use super::{RawMasks, BYTES, WORD_LETTERS};

    /// # Safety
    /// The CPU must support SSE2 (always true on x86_64).
    #[target_feature(enable = "sse2")]
    #[inline]
    pub(crate) unsafe fn classify_sse2(block: &[u8; 64]) -> RawMasks {
        let mut raw = RawMasks {
            bytes: [0; BYTES.len()],
            ident: 0,
            letters: 0,
        };
        for lane in 0..4 {
            // SAFETY: `lane * 16 + 16 <= 64`, so the unaligned 16-byte load
            // stays inside `block`.
            let v = unsafe { _mm_loadu_si128(block.as_ptr().add(lane * 16).cast()) };
            let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16) << (lane * 16);
            for (mask, &byte) in raw.bytes.iter_mut().zip(&BYTES) {
                *mask |= bits(eq(byte));
            }
            let mut letters = eq(WORD_LETTERS[0]);
            for &b in &WORD_LETTERS[1..] {
                letters = _mm_or_si128(letters, eq(b));
            }
            // Unsigned `lo <= x <= hi` without unsigned compares: x is its
            // own max with lo and its own min with hi.
            let in_range = |x: __m128i, lo: u8, hi: u8| {
                _mm_and_si128(
                    _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(lo as i8)), x),
                    _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(hi as i8)), x),
                )
            };
            let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let ident = _mm_or_si128(
                _mm_or_si128(in_range(lower, b'a', b'z'), in_range(v, b'0', b'9')),
                _mm_or_si128(_mm_or_si128(eq(b'_'), eq(b'$')), in_range(v, 0x80, 0xff)),
            );
            raw.letters |= bits(letters);
            raw.ident |= bits(ident);
        }
        raw
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(crate) unsafe fn classify_avx2(block: &[u8; 64]) -> RawMasks {
        let mut raw = RawMasks {
            bytes: [0; BYTES.len()],
            ident: 0,
            letters: 0,
        };
        for lane in 0..2 {
            // SAFETY: `lane * 32 + 32 <= 64`, so the unaligned 32-byte load
            // stays inside `block`.
            let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(lane * 32).cast()) };
            let eq = |b: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8));
            let bits = |m: __m256i| u64::from(_mm256_movemask_epi8(m) as u32) << (lane * 32);
            for (mask, &byte) in raw.bytes.iter_mut().zip(&BYTES) {
                *mask |= bits(eq(byte));
            }
            let mut letters = eq(WORD_LETTERS[0]);
            for &b in &WORD_LETTERS[1..] {
                letters = _mm256_or_si256(letters, eq(b));
            }
            let in_range = |x: __m256i, lo: u8, hi: u8| {
                _mm256_and_si256(
                    _mm256_cmpeq_epi8(_mm256_max_epu8(x, _mm256_set1_epi8(lo as i8)), x),
                    _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(hi as i8)), x),
                )
            };
            let lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
            let ident = _mm256_or_si256(
                _mm256_or_si256(in_range(lower, b'a', b'z'), in_range(v, b'0', b'9')),
                _mm256_or_si256(_mm256_or_si256(eq(b'_'), eq(b'$')), in_range(v, 0x80, 0xff)),
            );
            raw.letters |= bits(letters);
            raw.ident |= bits(ident);
        }
        raw
    }
}

#[cfg(target_arch = "aarch64")]
pub(crate) mod arm {
    use std::arch::aarch64::*;

    use super::{RawMasks, BYTES, WORD_LETTERS};

    /// Packs four 16-lane compare results (each lane 0 or 0xff) into a u64.
    ///
    /// # Safety
    /// The CPU must support NEON (always true on aarch64).
    #[target_feature(enable = "neon")]
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
    pub(crate) unsafe fn classify_neon(block: &[u8; 64]) -> RawMasks {
        let mut v = [vdupq_n_u8(0); 4];
        for (lane, v) in v.iter_mut().enumerate() {
            // SAFETY: `lane * 16 + 16 <= 64`, so the 16-byte load stays
            // inside `block`.
            *v = unsafe { vld1q_u8(block.as_ptr().add(lane * 16)) };
        }
        let eq = |b: u8| v.map(|v| vceqq_u8(v, vdupq_n_u8(b)));
        // SAFETY (every `movemask` below): this function's caller
        // guarantees NEON.
        let bytes = BYTES.map(|b| unsafe { movemask(eq(b)) });
        let letters = v.map(|v| {
            WORD_LETTERS[1..]
                .iter()
                .fold(vceqq_u8(v, vdupq_n_u8(WORD_LETTERS[0])), |m, &b| {
                    vorrq_u8(m, vceqq_u8(v, vdupq_n_u8(b)))
                })
        });
        let ident = v.map(|v| {
            let lower = vorrq_u8(v, vdupq_n_u8(0x20));
            let letter = vcleq_u8(vsubq_u8(lower, vdupq_n_u8(b'a')), vdupq_n_u8(25));
            let digit = vcleq_u8(vsubq_u8(v, vdupq_n_u8(b'0')), vdupq_n_u8(9));
            let high = vcgeq_u8(v, vdupq_n_u8(0x80));
            let punct = vorrq_u8(vceqq_u8(v, vdupq_n_u8(b'_')), vceqq_u8(v, vdupq_n_u8(b'$')));
            vorrq_u8(vorrq_u8(letter, digit), vorrq_u8(punct, high))
        });
        RawMasks {
            bytes,
            ident: unsafe { movemask(ident) },
            letters: unsafe { movemask(letters) },
        }
    }
}
