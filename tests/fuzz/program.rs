//! A program the fuzzer bundles, held in memory: its files by relative
//! path, its entry, and the flags weft is run with. Seeds are read from the
//! fixtures; a case is written into a fresh folder for each run; a finding
//! is written out in the layout of a regression fixture.
//!
//! A regression fixture is a folder holding the program (entry `main.*`
//! and whatever else it imports) and a `flags` file: one argument of
//! `weft bundle` a line, after `<entry> -o out/bundle.js`; lines starting
//! with `#` say what the fixture pins.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The names an entry may have, in the order they are looked for.
const ENTRY_NAMES: &[&str] = &[
    "main.js", "main.mjs", "main.cjs", "main.ts", "main.tsx", "main.jsx",
];

/// Files of a fixture folder that are not part of its program.
const NOT_PROGRAM: &[&str] = &["flags", "finding.txt"];

/// Where weft writes, relative to the program's folder.
pub const OUTFILE: &str = "out/bundle.js";

#[derive(Clone)]
pub struct Program {
    /// Each file by its path relative to the program's folder.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
    /// The entry, relative to the program's folder.
    pub entry: PathBuf,
    /// The fixture's installed packages, linked into the folder rather than
    /// copied (read only: weft never writes there).
    pub node_modules: Option<PathBuf>,
}

/// A program with the flags it is bundled with and how it came to be.
#[derive(Clone)]
pub struct Case {
    pub program: Program,
    /// The arguments of `weft bundle` after `<entry> -o out/bundle.js`.
    pub flags: Vec<String>,
    /// The seed and the mutations applied to it, for the report.
    pub origin: String,
}

impl Program {
    /// Reads a program folder with its entry at `entry`, leaving out
    /// `node_modules` and the fixture's own notes.
    pub fn read(dir: &Path, entry: &Path) -> io::Result<Program> {
        let mut files = BTreeMap::new();
        read_tree(dir, dir, &mut files)?;
        let installed = dir.join("node_modules");
        Ok(Program {
            files,
            entry: entry.to_path_buf(),
            node_modules: installed.is_dir().then_some(installed),
        })
    }

    /// The JavaScript and TypeScript sources, the files mutations apply to.
    pub fn sources(&self) -> Vec<PathBuf> {
        self.files
            .keys()
            .filter(|path| is_source(path))
            .cloned()
            .collect()
    }

    /// Writes every file under `dir` and links the installed packages.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        for (rel, bytes) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, bytes)?;
        }
        if let Some(installed) = &self.node_modules {
            std::os::unix::fs::symlink(installed, dir.join("node_modules"))?;
        }
        Ok(())
    }
}

impl Case {
    /// Reads a regression fixture: its program and its `flags` file.
    pub fn read_fixture(dir: &Path) -> io::Result<Case> {
        let entry = find_entry(dir)
            .ok_or_else(|| io::Error::other(format!("{} has no main.* entry", dir.display())))?;
        let flags_text = fs::read_to_string(dir.join("flags")).unwrap_or_default();
        let flags = flags_text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(String::from)
            .collect();
        Ok(Case {
            program: Program::read(dir, &entry)?,
            flags,
            origin: format!(
                "regression {}",
                dir.file_name().unwrap_or_default().to_string_lossy()
            ),
        })
    }

    /// Writes the case as a regression fixture into `dir`, with `notes` as
    /// the `flags` file's comment lines.
    pub fn write_fixture(&self, dir: &Path, notes: &str) -> io::Result<()> {
        let mut program = self.program.clone();
        program.node_modules = None;
        program.write(dir)?;
        let mut flags: String = notes.lines().map(|line| format!("# {line}\n")).collect();
        for flag in &self.flags {
            flags.push_str(flag);
            flags.push('\n');
        }
        fs::write(dir.join("flags"), flags)
    }

    /// The command line, as a user would type it in the program's folder.
    pub fn command_line(&self) -> String {
        let mut line = format!("weft bundle {} -o {OUTFILE}", self.program.entry.display());
        for flag in &self.flags {
            line.push(' ');
            line.push_str(flag);
        }
        line
    }
}

/// The entry of a fixture folder: its `main.*` file, or `src/main.*`.
pub fn find_entry(dir: &Path) -> Option<PathBuf> {
    ["", "src"]
        .iter()
        .flat_map(|folder| {
            ENTRY_NAMES
                .iter()
                .map(move |name| Path::new(folder).join(name))
        })
        .find(|entry| dir.join(entry).is_file())
}

/// Whether a file is JavaScript or TypeScript source.
pub fn is_source(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("js" | "mjs" | "cjs" | "ts" | "mts" | "cts" | "tsx" | "jsx")
    )
}

fn read_tree(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) -> io::Result<()> {
    let mut entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if name == "node_modules" || (dir == root && NOT_PROGRAM.iter().any(|n| name == *n)) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            read_tree(root, &path, files)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("a file found under the root is under the root");
            files.insert(rel.to_path_buf(), fs::read(&path)?);
        }
    }
    Ok(())
}
