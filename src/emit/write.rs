//! Atomic output: each file is written to a temporary file in its target
//! directory and renamed over the target only when complete, so a failed or
//! interrupted build never leaves a truncated file and never touches an
//! output it did not finish.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Writes every `(path, contents)`; either all are written or, on the first
/// failure, the temporary files are removed and no target is replaced.
pub fn write_all(files: &[(PathBuf, &str)]) -> Result<(), Diagnostics> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::with_capacity(files.len());
    for (path, contents) in files {
        match stage(path, contents) {
            Ok(temp) => staged.push((temp, path)),
            Err(e) => {
                for (temp, _) in &staged {
                    let _ = fs::remove_file(temp);
                }
                return Err(write_error(path, e));
            }
        }
    }
    for (temp, path) in &staged {
        if let Err(e) = fs::rename(temp, path) {
            let _ = fs::remove_file(temp);
            return Err(write_error(path, e));
        }
    }
    Ok(())
}

fn write_error(path: &Path, e: std::io::Error) -> Diagnostics {
    Diagnostic::error(format!("could not write {}: {e}", path.display())).into()
}

/// Writes `contents` next to `path` under a temporary name.
fn stage(path: &Path, contents: &str) -> std::io::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(contents.as_bytes())
    })();
    match result {
        Ok(()) => Ok(temp),
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(e)
        }
    }
}
