//! Source maps that input files bring with them: a file compiled by
//! another tool (TypeScript's `tsc`, Babel, a bundler) ends with
//! `//# sourceMappingURL=…`, a data URL or a path to a `.map` file. With
//! `--sourcemap`, the bundle's map is composed through it, so that it
//! points at the original sources rather than the compiled file.
//!
//! A reference that cannot be read or decoded is a warning: the bundle then
//! maps to the compiled file itself.

use std::path::{Path, PathBuf};

use swc_sourcemap::{DecodedMap, SourceMap};

use crate::diagnostics::{Diagnostic, Location};

/// An input file's own source map, with its sources resolved.
pub struct InputMap {
    pub map: SourceMap,
    /// Each of the map's sources: where it is, as a path when it is one.
    pub sources: Vec<InputSource>,
}

pub enum InputSource {
    Path(PathBuf),
    /// A source named by a URL that is not a file (`webpack://…`), kept as
    /// it is written.
    Url(String),
}

/// The source map `text` (the file at `path`) refers to: `Ok(None)` when it
/// refers to none (or to one at a URL that is not a file), a warning at the
/// reference when the map does not read or decode.
pub fn read(path: &Path, text: &str) -> Result<Option<InputMap>, Box<Diagnostic>> {
    let Some(url) = reference(text) else {
        return Ok(None);
    };
    let start = url.as_ptr() as usize - text.as_ptr() as usize;
    let warn = |why: String| {
        Box::new(
            Diagnostic::warning(format!("{why}; the bundle maps to this file instead"))
                .at(Location::from_offsets(path, text, start, start + url.len())),
        )
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let (json, base) = if let Some(data) = url.strip_prefix("data:") {
        let unsupported =
            || warn("unsupported source map data URL (expected application/json;base64)".into());
        let (kind, payload) = data.split_once(',').ok_or_else(unsupported)?;
        if !kind.starts_with("application/json") || !kind.ends_with(";base64") {
            return Err(unsupported());
        }
        let json = decode_base64(payload)
            .ok_or_else(|| warn("the source map data URL is not valid base64".into()))?;
        (json, dir.to_path_buf())
    } else {
        let Some(relative) = url_path(url) else {
            return Ok(None);
        };
        let file = dir.join(relative);
        let json = std::fs::read(&file)
            .map_err(|e| warn(format!("could not read the source map {relative}: {e}")))?;
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        (json, base)
    };
    let invalid = |e: swc_sourcemap::Error| warn(format!("the source map is not valid: {e}"));
    let map = match swc_sourcemap::decode_slice(&json).map_err(invalid)? {
        DecodedMap::Regular(map) => map,
        DecodedMap::Index(index) => index.flatten().map_err(invalid)?,
        DecodedMap::Hermes(_) => {
            return Err(warn("unsupported source map (Hermes)".into()));
        }
    };
    let root = map
        .get_source_root()
        .map(|r| r.to_string())
        .unwrap_or_default();
    let sources = map
        .sources()
        .map(|source| {
            let name = if root.is_empty() || source.contains("://") {
                source.to_string()
            } else {
                format!("{}/{}", root.trim_end_matches('/'), source)
            };
            match url_path(&name) {
                Some(relative) => InputSource::Path(normalize(&base.join(relative))),
                None => InputSource::Url(name),
            }
        })
        .collect();
    Ok(Some(InputMap { map, sources }))
}

/// The URL of the last `//# sourceMappingURL=` comment, when it is the
/// file's last line that is not blank.
fn reference(text: &str) -> Option<&str> {
    let body = text.trim_end();
    let line_start = body.rfind('\n').map_or(0, |at| at + 1);
    let line = body[line_start..].trim_start();
    let url = line
        .strip_prefix("//# sourceMappingURL=")
        .or_else(|| line.strip_prefix("//@ sourceMappingURL="))?
        .trim();
    (!url.is_empty() && !url.contains(char::is_whitespace)).then_some(url)
}

/// A relative or `file:` URL as a path; `None` for other URLs.
fn url_path(url: &str) -> Option<&str> {
    if let Some(path) = url.strip_prefix("file://") {
        return Some(path);
    }
    let scheme = url.split_once(':').map(|(s, _)| s);
    match scheme {
        Some(s)
            if s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            None
        }
        _ => Some(url.split(['?', '#']).next().unwrap_or(url)),
    }
}

/// `a/b/../c` as `a/c`, without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Standard base64, padding optional.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut bits = 0u32;
    let mut count = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = bits << 6 | value as u32;
        count += 1;
        if count == 4 {
            out.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
            bits = 0;
            count = 0;
        }
    }
    match count {
        0 => {}
        2 => out.push((bits >> 4) as u8),
        3 => out.extend_from_slice(&[(bits >> 10) as u8, (bits >> 2) as u8]),
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_last_reference() {
        assert_eq!(
            reference("x;\n//# sourceMappingURL=x.js.map\n\n"),
            Some("x.js.map")
        );
        assert_eq!(reference("//@ sourceMappingURL=a.map"), Some("a.map"));
        assert_eq!(reference("//# sourceMappingURL=a.map\nx;\n"), None);
        assert_eq!(reference("x; //# sourceMappingURL=a.map"), None);
    }

    #[test]
    fn decodes_base64() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert!(decode_base64("a$").is_none());
    }

    #[test]
    fn sources_are_paths_or_urls() {
        assert_eq!(url_path("../src/a.ts"), Some("../src/a.ts"));
        assert_eq!(url_path("file:///src/a.ts"), Some("/src/a.ts"));
        assert_eq!(url_path("webpack://app/a.ts"), None);
        assert_eq!(
            normalize(Path::new("/x/dist/../src/./a.ts")),
            PathBuf::from("/x/src/a.ts")
        );
    }
}
