//! What weft guarantees about the files it writes: an output never replaces
//! an input, no two outputs share a path, only regular files are replaced
//! (a link's target is, a pipe or device is written through), and a build's
//! outputs land together or not at all — a failed or killed build leaves
//! the previous build's files as they were, and the next build removes the
//! temporary files a killed one left behind.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{weft, write_file as write};

const OLD: &str = "old output\n";

/// Runs weft expecting exit 1 with an error containing each of `needles`;
/// returns stderr.
fn fails_with(dir: &Path, args: &[&str], needles: &[&str]) -> String {
    let out = weft(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "weft {args:?}:\n{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "no {needle:?} in:\n{stderr}");
    }
    stderr
}

fn program(dir: &Path) {
    write(
        dir,
        "main.js",
        "import { x } from './dep.js';\nconsole.log(x);\n",
    );
    write(dir, "dep.js", "export const x = 'built';\n");
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap()
}

/// The names in `dir` that start with a dot: where temporary files would be.
fn hidden(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn the_bundle_never_replaces_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    let main = read(dir.path(), "main.js");
    fails_with(
        dir.path(),
        &["bundle", "main.js", "-o", "main.js"],
        &["refusing to overwrite main.js", "the bundle of main.js"],
    );
    assert_eq!(read(dir.path(), "main.js"), main);
}

#[test]
fn an_outdir_never_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    let main = read(dir.path(), "main.js");
    fails_with(
        dir.path(),
        &["bundle", "main.js", "--outdir", "."],
        &["refusing to overwrite main.js"],
    );
    assert_eq!(read(dir.path(), "main.js"), main);
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

#[test]
fn the_metafile_never_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    let dep = read(dir.path(), "dep.js");
    fails_with(
        dir.path(),
        &["bundle", "main.js", "-o", "out.js", "--metafile", "dep.js"],
        &["refusing to overwrite dep.js", "the metafile"],
    );
    assert_eq!(read(dir.path(), "dep.js"), dep);
    assert!(!dir.path().join("out.js").exists());
}

#[cfg(unix)]
#[test]
fn an_input_under_another_name_is_still_an_input() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    let dep = read(dir.path(), "dep.js");
    // Through a linked folder, and as a hard link.
    std::os::unix::fs::symlink(dir.path(), dir.path().join("same")).unwrap();
    fails_with(
        dir.path(),
        &["bundle", "main.js", "-o", "same/./sub/../dep.js"],
        &["refusing to overwrite dep.js"],
    );
    fs::hard_link(dir.path().join("dep.js"), dir.path().join("twin.js")).unwrap();
    fails_with(
        dir.path(),
        &["bundle", "main.js", "-o", "twin.js"],
        &["refusing to overwrite dep.js"],
    );
    assert_eq!(read(dir.path(), "dep.js"), dep);
}

#[test]
fn two_bundles_on_one_path_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/main.js", "console.log('a');\n");
    write(dir.path(), "b/main.js", "console.log('b');\n");
    write(dir.path(), "dist/main.js", OLD);
    fails_with(
        dir.path(),
        &["bundle", "a/main.js", "b/main.js", "--outdir", "dist"],
        &[
            "two outputs share the path dist/main.js",
            "the bundle of a/main.js",
            "the bundle of b/main.js",
        ],
    );
    assert_eq!(read(dir.path(), "dist/main.js"), OLD);
    assert_eq!(hidden(&dir.path().join("dist")), Vec::<String>::new());
}

#[test]
fn the_metafile_and_the_map_cannot_take_the_bundles_path() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    write(dir.path(), "out.js", OLD);
    fails_with(
        dir.path(),
        &["bundle", "main.js", "-o", "out.js", "--metafile", "out.js"],
        &["two outputs share the path out.js", "the metafile"],
    );
    fails_with(
        dir.path(),
        &[
            "bundle",
            "main.js",
            "-o",
            "out.js",
            "--sourcemap",
            "--metafile",
            "out.js.map",
        ],
        &["two outputs share the path out.js.map", "the source map"],
    );
    assert_eq!(read(dir.path(), "out.js"), OLD);
}

#[test]
fn a_directory_in_the_maps_place_stops_the_whole_write() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    write(dir.path(), "out.js", OLD);
    fs::create_dir(dir.path().join("out.js.map")).unwrap();
    fails_with(
        dir.path(),
        &["bundle", "main.js", "-o", "out.js", "--sourcemap"],
        &["cannot write the source map to out.js.map: it is a directory"],
    );
    assert_eq!(read(dir.path(), "out.js"), OLD);
}

#[test]
fn a_failed_write_leaves_every_old_output() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    write(dir.path(), "out.js", OLD);
    write(dir.path(), "out.js.map", OLD);
    // The metafile's folder cannot be made: a file stands in its way.
    write(dir.path(), "blocked", "");
    let out = weft(
        dir.path(),
        &[
            "bundle",
            "main.js",
            "-o",
            "out.js",
            "--sourcemap",
            "--metafile",
            "blocked/meta.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(dir.path(), "out.js"), OLD);
    assert_eq!(read(dir.path(), "out.js.map"), OLD);
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_link_to_a_file_replaces_the_file_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    write(dir.path(), "real/app.js", OLD);
    std::os::unix::fs::symlink("real/app.js", dir.path().join("app.js")).unwrap();
    support::weft_ok(dir.path(), &["bundle", "main.js", "-o", "app.js"]);
    let link = fs::symlink_metadata(dir.path().join("app.js")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert!(read(dir.path(), "real/app.js").contains("built"));
    assert_eq!(support::node_stdout(dir.path(), "app.js"), "built\n");
}

#[cfg(unix)]
#[test]
fn a_link_to_nothing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    std::os::unix::fs::symlink("gone/app.js", dir.path().join("app.js")).unwrap();
    fails_with(
        dir.path(),
        &["bundle", "main.js", "-o", "app.js"],
        &["it is a symbolic link to nothing"],
    );
    assert!(fs::symlink_metadata(dir.path().join("app.js"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    let fifo = dir.path().join("pipe.js");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    support::weft_ok(dir.path(), &["bundle", "main.js", "-o", "pipe.js"]);
    // Before the reader is waited for: it waits forever on a replaced FIFO.
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let text = reader.join().unwrap();
    assert!(text.contains("built"), "{text}");
}

/// `-o /dev/stdout`, through a link of the test's own to the same place,
/// so that a weft that replaced it would not replace the system's.
#[cfg(target_os = "linux")]
#[test]
fn standard_output_takes_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    std::os::unix::fs::symlink("/proc/self/fd/1", dir.path().join("stdout")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["bundle", "main.js", "-o", "stdout", "--log-level", "warn"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bundle = String::from_utf8(out.stdout).unwrap();
    assert!(bundle.contains("built"), "{bundle}");
    let link = fs::symlink_metadata(dir.path().join("stdout")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
}

#[test]
fn the_next_build_removes_what_a_killed_one_left() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path());
    fs::create_dir(dir.path().join("dist")).unwrap();
    // A process that no longer runs (beyond the largest id Linux gives),
    // and this test's own, which runs.
    let gone = ".app.js.4194305.weft.tmp";
    let running = format!(".app.js.{}.weft.tmp", std::process::id());
    write(dir.path(), &format!("dist/{gone}"), "half a bundle");
    write(dir.path(), &format!("dist/{running}"), "being written");
    write(dir.path(), "dist/.keep", "not weft's");
    support::weft_ok(dir.path(), &["bundle", "main.js", "-o", "dist/app.js"]);
    assert_eq!(
        hidden(&dir.path().join("dist")),
        vec![running, ".keep".to_string()]
    );
}

/// A build killed while it writes its outputs leaves the old ones whole,
/// and the next build cleans up after it.
#[cfg(unix)]
#[test]
fn a_killed_build_leaves_the_old_outputs() {
    let dir = tempfile::tempdir().unwrap();
    // About 40 MB of bundle and map: staging takes long enough to be seen.
    let mut source = String::new();
    for i in 0..150_000 {
        source.push_str(&format!(
            "export const value{i} = 'a string long enough to make the output large {i}';\n"
        ));
    }
    write(dir.path(), "big.js", &source);
    write(
        dir.path(),
        "main.js",
        "import * as big from './big.js';\nconsole.log(Object.keys(big).length);\n",
    );
    write(dir.path(), "dist/app.js", OLD);
    write(dir.path(), "dist/app.js.map", OLD);
    let dist = dir.path().join("dist");
    let args = [
        "bundle",
        "main.js",
        "-o",
        "dist/app.js",
        "--sourcemap",
        "--threads",
        "1",
    ];

    let mut killed_while_staging = false;
    for _ in 0..5 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            let staging = hidden(&dist).iter().any(|n| n.ends_with(".weft.tmp"));
            if staging {
                child.kill().unwrap();
                child.wait().unwrap();
                killed_while_staging = true;
                break;
            }
            if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        if killed_while_staging {
            break;
        }
        // It finished first: put the old outputs back and try again.
        write(dir.path(), "dist/app.js", OLD);
        write(dir.path(), "dist/app.js.map", OLD);
    }
    assert!(killed_while_staging, "the build was never caught writing");
    assert_eq!(read(dir.path(), "dist/app.js"), OLD);
    assert_eq!(read(dir.path(), "dist/app.js.map"), OLD);
    assert!(!hidden(&dist).is_empty(), "the killed build left nothing");

    support::weft_ok(dir.path(), &args);
    assert_eq!(hidden(&dist), Vec::<String>::new());
    assert_eq!(support::node_stdout(dir.path(), "dist/app.js"), "150000\n");
    assert!(read(dir.path(), "dist/app.js.map").starts_with('{'));
}
