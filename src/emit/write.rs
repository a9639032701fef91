//! Putting a build's outputs on disk, safely.
//!
//! Before anything is written every output path is checked, and one that
//! fails a check stops the whole write:
//! * no output is a file the build read (its path, after links are
//!   followed, or the same file under another name: a hard link);
//! * no two outputs share a path;
//! * only regular files are replaced. An output path that is a symbolic
//!   link replaces the file the link points to, and leaves the link; one
//!   that is a FIFO or a character device (`/dev/stdout`) is written
//!   through; a directory, a socket, a block device or a link to nothing
//!   is refused.
//!
//! Then every regular file is staged: written in full to a temporary file
//! beside its target. Only when all are staged are they put in place, one
//! rename each; if one of those fails, the ones already in place are put
//! back, so the previous build's files stay as they were. A build that is
//! killed leaves its temporary files behind (named `.NAME.PID.weft.tmp`);
//! the next build into that folder removes those whose process is gone.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{display_path, Diagnostic, Diagnostics};
use crate::{OutputFile, OutputKind};

/// Writes every output, all or none: on failure no existing file is
/// changed. `inputs` are the files the build read, sorted, as the loader
/// named them (links followed).
pub fn write_all(files: &[OutputFile], inputs: &[PathBuf], cwd: &Path) -> Result<(), Diagnostics> {
    let places = check(files, inputs, cwd)?;
    remove_leftovers(&places);
    let mut staged = Vec::new();
    let mut through = Vec::new();
    for (file, place) in files.iter().zip(&places) {
        match place {
            Place::Replace(target) => match stage(target, &file.contents) {
                Ok(temp) => staged.push(Staged {
                    temp,
                    target: target.clone(),
                }),
                Err(e) => {
                    discard(&staged);
                    return Err(write_error(target, e));
                }
            },
            Place::Through(target) => through.push((target, &file.contents)),
        }
    }
    commit(staged)?;
    // A device or a pipe takes what it is given: there is nothing to stage
    // it in, nor to put back.
    for (target, contents) in through {
        let written = fs::OpenOptions::new()
            .write(true)
            .open(target)
            .and_then(|mut f| f.write_all(contents.as_bytes()));
        written.map_err(|e| write_error(target, e))?;
    }
    Ok(())
}

/// Where an output goes once checked.
#[derive(Debug)]
enum Place {
    /// A regular file (or nothing yet) at this path, links followed: it is
    /// staged and renamed into place.
    Replace(PathBuf),
    /// A FIFO or character device: written to directly.
    Through(PathBuf),
}

impl Place {
    fn path(&self) -> &Path {
        match self {
            Place::Replace(path) | Place::Through(path) => path,
        }
    }
}

/// Checks every output path (see the module's doc) and says where each one
/// goes. All problems are reported together.
fn check(files: &[OutputFile], inputs: &[PathBuf], cwd: &Path) -> Result<Vec<Place>, Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut places = Vec::with_capacity(files.len());
    for file in files {
        match place(&file.path) {
            Ok(place) => places.push(place),
            Err(why) => {
                problems.push(
                    Diagnostic::error(format!(
                        "cannot write {} to {}: {why}",
                        file.kind.describe(cwd),
                        display_path(&file.path, cwd)
                    ))
                    .with_hint("weft replaces only regular files; choose another output path"),
                );
                places.push(Place::Replace(file.path.clone()));
            }
        }
    }

    let mut seen: HashMap<&Path, &OutputFile> = HashMap::new();
    for (file, place) in files.iter().zip(&places) {
        if let Some(earlier) = seen.insert(place.path(), file) {
            problems.push(
                Diagnostic::error(format!(
                    "two outputs share the path {}: {} and {}",
                    display_path(place.path(), cwd),
                    earlier.kind.describe(cwd),
                    file.kind.describe(cwd)
                ))
                .with_hint("give each output a path of its own"),
            );
        }
    }

    for (file, input) in overwritten_inputs(files, &places, inputs) {
        problems.push(
            Diagnostic::error(format!(
                "refusing to overwrite {}, which the build reads, with {}",
                display_path(input, cwd),
                file.kind.describe(cwd)
            ))
            .with_hint("write the output somewhere else: a build never replaces its own input"),
        );
    }
    problems.into_result(places)
}

/// What the output path `path` is, and so where the output goes; why not,
/// when it cannot go there.
fn place(path: &Path) -> Result<Place, String> {
    let Ok(meta) = fs::symlink_metadata(path) else {
        // Nothing there yet: a new file, in its directory's real place.
        return Ok(Place::Replace(real_path(path)));
    };
    let meta = if meta.file_type().is_symlink() {
        fs::metadata(path).map_err(|_| "it is a symbolic link to nothing".to_string())?
    } else {
        meta
    };
    let kind = meta.file_type();
    if kind.is_file() {
        // Links followed: the file the link points to is what is replaced.
        return Ok(Place::Replace(real_path(path)));
    }
    if kind.is_dir() {
        return Err("it is a directory".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() || kind.is_char_device() {
            return Ok(Place::Through(path.to_path_buf()));
        }
        if kind.is_socket() {
            return Err("it is a socket".into());
        }
        if kind.is_block_device() {
            return Err("it is a block device".into());
        }
    }
    Err("it is not a regular file".into())
}

/// `path` with every link followed and `.` and `..` taken out, as far as
/// it exists; the part that does not exist yet, by its words alone (it has
/// no links to follow).
fn real_path(path: &Path) -> PathBuf {
    let mut real = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            // `real` has no links where it exists, so its parent is what
            // `..` leads to.
            Component::ParentDir => {
                real.pop();
            }
            other => {
                real.push(other);
                if let Ok(canonical) = fs::canonicalize(&real) {
                    real = canonical;
                }
            }
        }
    }
    real
}

/// Each output whose place is a file the build read, with that input.
fn overwritten_inputs<'a>(
    files: &'a [OutputFile],
    places: &'a [Place],
    inputs: &'a [PathBuf],
) -> Vec<(&'a OutputFile, &'a Path)> {
    let mut found = Vec::new();
    for (file, place) in files.iter().zip(places) {
        let Place::Replace(target) = place else {
            continue;
        };
        if let Ok(at) = inputs.binary_search(target) {
            found.push((file, inputs[at].as_path()));
        } else if let Some(input) = same_file(target, inputs) {
            found.push((file, input));
        }
    }
    found
}

/// The input that is the file at `target` under another name (a hard
/// link). Only a file with more than one name can be one, so the inputs
/// are looked at only then.
#[cfg(unix)]
fn same_file<'a>(target: &Path, inputs: &'a [PathBuf]) -> Option<&'a Path> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(target).ok()?;
    if meta.nlink() < 2 {
        return None;
    }
    inputs
        .iter()
        .find(|input| {
            fs::metadata(input).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
        })
        .map(PathBuf::as_path)
}

#[cfg(not(unix))]
fn same_file<'a>(_target: &Path, _inputs: &'a [PathBuf]) -> Option<&'a Path> {
    None
}

/// A staged output: its contents in full at `temp`, to be put at `target`.
struct Staged {
    temp: PathBuf,
    target: PathBuf,
}

/// What putting one staged file in place did, and so how to take it back.
enum Placed {
    /// There was no file: the new one is removed to take it back.
    New(PathBuf),
    /// The old file now sits at `old`, the new one at `target`.
    Kept { old: PathBuf, target: PathBuf },
    /// The old file was replaced with no copy kept (a file system with
    /// neither exchange nor hard links).
    Replaced,
}

/// Puts every staged file in place. If one cannot be, those already put
/// are taken back and every temporary file removed.
fn commit(staged: Vec<Staged>) -> Result<(), Diagnostics> {
    let mut placed = Vec::with_capacity(staged.len());
    for (i, file) in staged.iter().enumerate() {
        match put_in_place(file) {
            Ok(done) => placed.push(done),
            Err(e) => {
                for done in placed.into_iter().rev() {
                    take_back(done);
                }
                discard(&staged[i..]);
                return Err(write_error(&file.target, e));
            }
        }
    }
    for done in placed {
        if let Placed::Kept { old, .. } = done {
            let _ = fs::remove_file(old);
        }
    }
    Ok(())
}

/// Puts `file` at its target in one step: a reader sees the old file or
/// the new one, never neither. The old one is kept under the temporary
/// name until every output is in place.
///
/// On Linux an existing file is exchanged with the staged one. A plain
/// rename over it does the same, but ext4 then allocates the new file's
/// blocks before the rename returns (its guard for programs that replace
/// files without syncing), which costs several milliseconds for a large
/// source map.
fn put_in_place(file: &Staged) -> std::io::Result<Placed> {
    let Staged { temp, target } = file;
    if fs::symlink_metadata(target).is_err() {
        fs::rename(temp, target)?;
        return Ok(Placed::New(target.clone()));
    }
    #[cfg(target_os = "linux")]
    if exchange(temp, target).is_ok() {
        return Ok(Placed::Kept {
            old: temp.clone(),
            target: target.clone(),
        });
    }
    let old = temp.with_extension("old");
    if fs::hard_link(target, &old).is_ok() {
        if let Err(e) = fs::rename(temp, target) {
            let _ = fs::remove_file(&old);
            return Err(e);
        }
        return Ok(Placed::Kept {
            old,
            target: target.clone(),
        });
    }
    fs::rename(temp, target)?;
    Ok(Placed::Replaced)
}

/// Undoes [`put_in_place`] as far as it can.
fn take_back(done: Placed) {
    match done {
        Placed::New(target) => {
            let _ = fs::remove_file(target);
        }
        Placed::Kept { old, target } => {
            let _ = fs::rename(old, target);
        }
        Placed::Replaced => {}
    }
}

/// Swaps the files at `a` and `b` (`renameat2` with `RENAME_EXCHANGE`); an
/// error where the file system cannot, and the caller renames instead.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c_path = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c_path(a)?, c_path(b)?);
    // SAFETY: both are NUL-terminated paths that outlive the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

fn write_error(path: &Path, e: std::io::Error) -> Diagnostics {
    Diagnostic::error(format!("could not write {}: {e}", path.display())).into()
}

/// Removes the temporary files of `staged`.
fn discard(staged: &[Staged]) {
    for file in staged {
        let _ = fs::remove_file(&file.temp);
    }
}

/// The ending of every temporary file weft stages an output in.
const TEMP_SUFFIX: &str = ".weft.tmp";

/// The temporary name `target` is staged under, in its own directory.
fn temp_path(target: &Path) -> PathBuf {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    dir.join(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()))
}

/// Writes `contents` next to `target` under a temporary name.
fn stage(target: &Path, contents: &str) -> std::io::Result<PathBuf> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let temp = temp_path(target);
    let result = fs::File::create(&temp).and_then(|mut file| file.write_all(contents.as_bytes()));
    match result {
        Ok(()) => Ok(temp),
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// Removes, from each folder an output goes to, the temporary files that
/// builds which did not finish left there.
fn remove_leftovers(places: &[Place]) {
    let mut dirs: Vec<&Path> = places
        .iter()
        .filter_map(|place| match place {
            Place::Replace(target) => target.parent(),
            Place::Through(_) => None,
        })
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(leftover_pid) else {
                continue;
            };
            if pid != std::process::id() && !process_runs(pid) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// The process id in a temporary file's name `.NAME.PID.weft.tmp` (or
/// the `.old` copy beside it).
fn leftover_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let rest = rest
        .strip_suffix(TEMP_SUFFIX)
        .or_else(|| rest.strip_suffix(".weft.old"))?;
    let (_, pid) = rest.rsplit_once('.')?;
    pid.parse().ok()
}

/// Whether a process with this id is running. Where that cannot be asked,
/// every process is taken to run, and nothing is removed.
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

impl OutputKind {
    /// The output, as a message names it.
    pub fn describe(&self, cwd: &Path) -> String {
        match self {
            OutputKind::Bundle(entry) => format!("the bundle of {}", display_path(entry, cwd)),
            OutputKind::SourceMap => "the source map".into(),
            OutputKind::LegalComments => "the legal comments".into(),
            OutputKind::Metafile => "the metafile".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leftover_is_known_by_its_name() {
        assert_eq!(leftover_pid(".app.js.1234.weft.tmp"), Some(1234));
        assert_eq!(leftover_pid(".app.js.1234.weft.old"), Some(1234));
        assert_eq!(leftover_pid(".app.js.map.77.weft.tmp"), Some(77));
        assert_eq!(leftover_pid("app.js.1234.weft.tmp"), None);
        assert_eq!(leftover_pid(".app.js.weft.tmp"), None);
        assert_eq!(leftover_pid(".app.js.1234.tmp"), None);
    }

    #[test]
    fn real_paths_of_missing_files_take_out_dots() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        let path = dir.path().join("a/./b/../c.js");
        assert_eq!(real_path(&path), real.join("a/c.js"));
    }

    #[cfg(unix)]
    #[test]
    fn real_paths_follow_links_on_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(real.join("inner")).unwrap();
        std::os::unix::fs::symlink(real.join("inner"), real.join("link")).unwrap();
        assert_eq!(
            real_path(&real.join("link/missing/../x.js")),
            real.join("inner/x.js")
        );
        assert_eq!(real_path(&real.join("link/../x.js")), real.join("x.js"));
    }
}
