//! The file system as the resolver sees it: what is at a path is answered
//! from its directory's listing, read once per build, instead of by an
//! `lstat` per candidate. Resolving `./m12` from a TypeScript file tries
//! `m12`, `m12.tsx`, `m12.ts`, …; each try that misses was a system call
//! walking the whole path, and misses are most of them.
//!
//! A listing's entries carry their type (`d_type`), which is what `lstat`
//! would say of them. Only a symbolic link needs the system asked again,
//! to follow it. Directories that can't be listed (no read permission)
//! fall back to the system calls.
//!
//! Listings are used on Linux only: elsewhere file systems are commonly
//! case-insensitive, where `./Foo` finds `foo.js` and a listing would not.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::DashMap;
use oxc_resolver::{FileMetadata, FileSystem, FileSystemOs, ResolveError};
use rustc_hash::{FxBuildHasher, FxHashMap};

#[derive(Clone, Copy)]
enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

/// What is known of a directory.
enum Listing {
    Entries(FxHashMap<OsString, Kind>),
    /// It does not exist, or is not a directory: nothing is in it.
    Missing,
    /// It could not be read; the system is asked about each path.
    Unreadable,
}

pub struct ListedFs {
    os: FileSystemOs,
    dirs: DashMap<PathBuf, Arc<Listing>, FxBuildHasher>,
}

impl ListedFs {
    fn listing(&self, dir: &Path) -> Arc<Listing> {
        if let Some(listing) = self.dirs.get(dir) {
            return listing.clone();
        }
        let listing = if self.listed_as_no_dir(dir) {
            // A file's path asked for as a directory, say when looking for
            // a `tsconfig.json` beside every file: no system call needed.
            Listing::Missing
        } else {
            self.read_listing(dir)
        };
        self.dirs
            .entry(dir.to_path_buf())
            .or_insert_with(|| Arc::new(listing))
            .clone()
    }

    /// Whether the listing of `dir`'s parent, if it was read, shows that
    /// `dir` is not a directory: it is a file, or is not there.
    fn listed_as_no_dir(&self, dir: &Path) -> bool {
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return false;
        };
        let Some(listing) = self.dirs.get(parent) else {
            return false;
        };
        match &**listing {
            Listing::Entries(entries) => {
                matches!(entries.get(name), None | Some(Kind::File))
            }
            Listing::Missing => true,
            Listing::Unreadable => false,
        }
    }

    fn read_listing(&self, dir: &Path) -> Listing {
        match fs::read_dir(dir) {
            Ok(entries) => Listing::Entries(
                entries
                    .filter_map(Result::ok)
                    .map(|entry| {
                        let kind = match entry.file_type() {
                            Ok(t) if t.is_symlink() => Kind::Symlink,
                            Ok(t) if t.is_file() => Kind::File,
                            Ok(t) if t.is_dir() => Kind::Dir,
                            _ => Kind::Other,
                        };
                        (entry.file_name(), kind)
                    })
                    .collect(),
            ),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                Listing::Missing
            }
            Err(_) => Listing::Unreadable,
        }
    }

    /// What `path` is, as its directory lists it; `None` when the system
    /// must be asked.
    fn kind(&self, path: &Path) -> Option<Option<Kind>> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
        let name = path.file_name()?;
        match &*self.listing(dir) {
            Listing::Entries(entries) => match entries.get(name) {
                Some(Kind::Other) => None,
                found => Some(found.copied()),
            },
            Listing::Missing => Some(None),
            Listing::Unreadable => None,
        }
    }
}

fn not_found() -> io::Error {
    io::Error::from(io::ErrorKind::NotFound)
}

impl FileSystem for ListedFs {
    fn new() -> Self {
        ListedFs {
            os: FileSystemOs::new(),
            dirs: DashMap::default(),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.os.read(path)
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.os.read_to_string(path)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        match self.kind(path) {
            Some(None) => Err(not_found()),
            Some(Some(Kind::File)) => Ok(FileMetadata::new(true, false, false)),
            Some(Some(Kind::Dir)) => Ok(FileMetadata::new(false, true, false)),
            // A link is followed by the system.
            _ => self.os.metadata(path),
        }
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        match self.kind(path) {
            Some(None) => Err(not_found()),
            Some(Some(Kind::File)) => Ok(FileMetadata::new(true, false, false)),
            Some(Some(Kind::Dir)) => Ok(FileMetadata::new(false, true, false)),
            Some(Some(Kind::Symlink)) => Ok(FileMetadata::new(false, false, true)),
            _ => self.os.symlink_metadata(path),
        }
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        self.os.read_link(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.os.canonicalize(path)
    }
}
