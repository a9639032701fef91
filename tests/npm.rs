//! weft as npm users get it: `npm/pack.sh` packs the binary cargo built for
//! the tests into the platform package, a fresh npm project installs the two
//! tarballs with no registry, and then `npx weft`, a `package.json` script,
//! `import { build }` and `require('weft-bundler')` must all bundle programs
//! that run. Also the JSON protocol of `weft api` on its own, and that the
//! npm packages agree with each other and with Cargo.toml.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use support::{copy_dir, require_node, run, write_file, Output, NODE_TIMEOUT, NPM_TIMEOUT};

const NPM_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/npm");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the test program prints, bundled or not.
const GREETING: &str = "hello, npm (3 letters)\n";

/// The installed project, set up once for every test of this file: its
/// folder, or why it could not be made.
fn project() -> &'static Path {
    static PROJECT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PROJECT.get_or_init(install_project) {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    }
}

/// Packs weft into `<tmp>/packs`, and installs the tarballs into a fresh
/// project `<tmp>/app` with the test program in it.
fn install_project() -> Result<PathBuf, String> {
    require_node();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm");
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;

    let packs = root.join("packs");
    let mut pack = Command::new("bash");
    pack.arg(Path::new(NPM_DIR).join("pack.sh"))
        .arg(&packs)
        .env("WEFT_PACK_BINARY", env!("CARGO_BIN_EXE_weft"));
    succeed(npm_env(&mut pack, &root), NPM_TIMEOUT, "npm/pack.sh")?;
    let tarballs: Vec<PathBuf> = fs::read_dir(&packs)
        .map_err(|e| format!("pack.sh left no {}: {e}", packs.display()))?
        .map(|entry| entry.unwrap().path())
        .collect();
    if tarballs.len() != 2 {
        return Err(format!("pack.sh should write two tarballs: {tarballs:?}"));
    }

    let app = root.join("app");
    write_program(&app);
    let mut install = Command::new("npm");
    install
        .args(["install", "--offline", "--no-audit", "--no-fund"])
        .args(&tarballs)
        .current_dir(&app);
    succeed(npm_env(&mut install, &root), NPM_TIMEOUT, "npm install")?;
    Ok(app)
}

/// npm and npx set up never to reach a registry: offline, with an empty
/// cache of their own and a registry address nothing answers at. The other
/// platforms' packages, optional dependencies that are not in the cache,
/// are skipped.
fn npm_env<'a>(command: &'a mut Command, root: &Path) -> &'a mut Command {
    command
        .env("npm_config_offline", "true")
        .env("npm_config_cache", root.join("npm-cache"))
        .env("npm_config_registry", "http://127.0.0.1:9/")
        .env("npm_config_fetch_retries", "0")
        .env("npm_config_update_notifier", "false")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_loglevel", "error")
        .env_remove("NODE_OPTIONS")
        .env_remove("WEFT_BINARY")
}

/// A TypeScript program with a `package.json` script that bundles it, and
/// a module that imports a file that does not exist.
fn write_program(app: &Path) {
    write_file(
        app,
        "package.json",
        r#"{
  "name": "app",
  "private": true,
  "scripts": { "build": "weft bundle src/main.ts -o dist/script.js --minify --log-level silent" }
}
"#,
    );
    write_file(
        app,
        "src/main.ts",
        "import { greet } from './greet';\n\nconsole.log(greet('npm'));\n",
    );
    write_file(
        app,
        "src/greet.ts",
        "export function greet(name: string): string {\n  return `hello, ${name} (${name.length} letters)`;\n}\n",
    );
    write_file(
        app,
        "src/broken.ts",
        "import { gone } from './missing';\n\ngone();\n",
    );
}

/// Runs `command`, and says what went wrong unless it succeeded.
fn succeed(
    command: &mut Command,
    timeout: std::time::Duration,
    what: &str,
) -> Result<Output, String> {
    let out = run(command, timeout).map_err(|e| format!("{what} could not be started: {e}"))?;
    if out.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({})\nstdout:\n{}\nstderr:\n{}",
            out.describe_status(),
            out.stdout,
            out.stderr
        ))
    }
}

/// `npx --no -- weft ARGS` in the project: the installed bin only, never a
/// download (`--no`), and every argument weft's (npx would answer
/// `--version` itself).
fn npx_weft(args: &[&str]) -> Output {
    let dir = project();
    let mut npx = Command::new("npx");
    npx.args(["--no", "--", "weft"]).args(args).current_dir(dir);
    run(npm_env(&mut npx, dir.parent().unwrap()), NODE_TIMEOUT).expect("npx runs")
}

/// `node SCRIPT` in `dir`: its output, whatever its status.
fn node(dir: &Path, script: &str) -> Output {
    let mut node = Command::new("node");
    node.arg(script).current_dir(dir).env_remove("NODE_OPTIONS");
    run(&mut node, NODE_TIMEOUT).expect("node runs")
}

/// `node SCRIPT` in `dir`, which must succeed: its stdout.
fn node_ok(dir: &Path, script: &str) -> String {
    let out = node(dir, script);
    assert!(
        out.success(),
        "node {script} failed ({})\nstdout:\n{}\nstderr:\n{}",
        out.describe_status(),
        out.stdout,
        out.stderr
    );
    out.stdout
}

/// A script's one line of JSON output.
fn node_json(dir: &Path, script: &str, source: &str) -> Value {
    write_file(dir, script, source);
    let stdout = node_ok(dir, script);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{script} printed {stdout:?}: {e}"))
}

#[test]
fn npx_weft_bundles_a_typescript_program() {
    let out = npx_weft(&["bundle", "src/main.ts", "-o", "dist/npx.js"]);
    assert!(out.success(), "npx weft bundle failed: {}", out.stderr);
    assert!(out.stderr.contains("dist/npx.js"), "{}", out.stderr);
    assert_eq!(node_ok(project(), "dist/npx.js"), GREETING);
}

#[test]
fn a_package_json_script_runs_weft() {
    let dir = project();
    let mut npm = Command::new("npm");
    npm.args(["run", "--silent", "build"]).current_dir(dir);
    let out = succeed(
        npm_env(&mut npm, dir.parent().unwrap()),
        NODE_TIMEOUT,
        "npm run build",
    )
    .unwrap();
    assert_eq!(out.stderr, "", "--log-level silent prints nothing");
    assert_eq!(node_ok(dir, "dist/script.js"), GREETING);
}

#[test]
fn the_launcher_passes_exit_codes_and_output_through() {
    let version = npx_weft(&["--version"]);
    assert!(version.success(), "{}", version.stderr);
    assert_eq!(version.stdout, format!("weft {VERSION}\n"));

    let failed = npx_weft(&["bundle", "src/broken.ts", "-o", "dist/broken.js"]);
    assert_eq!(
        failed.status.and_then(|s| s.code()),
        Some(1),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("src/broken.ts:1:22"),
        "{}",
        failed.stderr
    );
    assert!(!project().join("dist/broken.js").exists());

    let usage = npx_weft(&["bundle", "src/main.ts", "--format", "umd", "-o", "x.js"]);
    assert_eq!(
        usage.status.and_then(|s| s.code()),
        Some(2),
        "{}",
        usage.stderr
    );
}

#[test]
fn build_from_an_es_module_writes_a_bundle_and_a_metafile() {
    let dir = project();
    let result = node_json(
        dir,
        "build.mjs",
        r#"import { build, version } from 'weft-bundler';

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/api.js',
  minify: true,
  metafile: true,
  logLevel: 'silent',
});
console.log(JSON.stringify({
  version,
  errors: result.errors,
  outputFiles: result.outputFiles ?? null,
  inputs: Object.keys(result.metafile.inputs),
  outputs: Object.keys(result.metafile.outputs),
}));
"#,
    );
    assert_eq!(result["version"], VERSION);
    assert_eq!(result["errors"], serde_json::json!([]));
    assert_eq!(
        result["outputFiles"],
        Value::Null,
        "write: true returns no files"
    );
    assert_eq!(
        result["inputs"],
        serde_json::json!(["src/greet.ts", "src/main.ts"])
    );
    assert_eq!(result["outputs"], serde_json::json!(["dist/api.js"]));
    assert_eq!(node_ok(dir, "dist/api.js"), GREETING);
}

#[test]
fn require_and_write_false_return_the_code_without_touching_the_disk() {
    let dir = project();
    let result = node_json(
        dir,
        "build.cjs",
        r#"const fs = require('fs');
const { build } = require('weft-bundler');

build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/memory.js',
  format: 'cjs',
  sourcemap: true,
  write: false,
}).then((result) => {
  console.log(JSON.stringify(result.outputFiles.map((file) => ({
    path: file.path,
    uint8: file.contents instanceof Uint8Array,
    sameBytes: Buffer.from(file.contents).toString('utf8') === file.text,
    exists: fs.existsSync(file.path),
    text: file.text,
  }))));
});
"#,
    );
    let files = result.as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let bundle = dir.join("dist/memory.js");
    let map = dir.join("dist/memory.js.map");
    assert_eq!(paths, [bundle.to_str().unwrap(), map.to_str().unwrap()]);
    for file in files {
        assert_eq!(file["uint8"], true);
        assert_eq!(file["sameBytes"], true);
        assert_eq!(file["exists"], false, "{} was written", file["path"]);
    }
    assert!(!dir.join("dist/memory.js").exists());
    // The code returned runs as the program does.
    let elsewhere = tempfile::tempdir().unwrap();
    write_file(
        elsewhere.path(),
        "bundle.cjs",
        files[0]["text"].as_str().unwrap(),
    );
    assert_eq!(node_ok(elsewhere.path(), "bundle.cjs"), GREETING);
}

#[test]
fn a_failed_build_rejects_with_the_diagnostics() {
    let dir = project();
    let failure = node_json(
        dir,
        "fail.mjs",
        r#"import { build } from 'weft-bundler';

try {
  await build({ entryPoints: ['src/broken.ts'], outfile: 'dist/broken-api.js', logLevel: 'silent' });
  console.log(JSON.stringify({ resolved: true }));
} catch (error) {
  console.log(JSON.stringify({
    isError: error instanceof Error,
    message: error.message,
    errors: error.errors,
  }));
}
"#,
    );
    assert_eq!(failure["isError"], true, "{failure}");
    assert_eq!(
        failure["message"],
        "Build failed with 1 error:\nsrc/broken.ts:1:22: error: could not resolve \"./missing\""
    );
    let error = &failure["errors"][0];
    assert_eq!(error["text"], "could not resolve \"./missing\"");
    assert_eq!(error["location"]["file"], "src/broken.ts");
    assert_eq!(error["location"]["line"], 1);
    assert_eq!(error["location"]["column"], 22);
    assert_eq!(
        error["location"]["lineText"],
        "import { gone } from './missing';"
    );
    assert!(!dir.join("dist/broken-api.js").exists());

    let refused = node_json(
        dir,
        "refused.mjs",
        r#"import { build } from 'weft-bundler';

build({ entryPoints: ['src/main.ts'], outfile: 'dist/x.js', minfy: true, logLevel: 'silent' })
  .then(() => console.log('null'), (error) => console.log(JSON.stringify(error.message)));
"#,
    );
    let message = refused.as_str().unwrap();
    assert!(message.contains("unknown option \"minfy\""), "{message}");
}

#[test]
fn without_its_platform_package_the_launcher_names_the_platform() {
    // The main package alone, where no platform package can be found.
    let lonely = tempfile::tempdir().unwrap();
    let package = lonely.path().join("node_modules/weft-bundler");
    copy_dir(&project().join("node_modules/weft-bundler"), &package);
    let launcher = package.join("bin/weft.js");

    let mut missing = Command::new("node");
    missing
        .arg(&launcher)
        .arg("--version")
        .env_remove("WEFT_BINARY");
    let out = run(&mut missing, NODE_TIMEOUT).unwrap();
    assert_eq!(out.status.and_then(|s| s.code()), Some(1), "{}", out.stderr);
    let key = host_platform();
    for part in [
        format!("this platform ({key})"),
        format!("@weft-bundler/{key}"),
        "WEFT_BINARY".to_string(),
    ] {
        assert!(
            out.stderr.contains(&part),
            "no {part:?} in:\n{}",
            out.stderr
        );
    }

    let mut overridden = Command::new("node");
    overridden
        .arg(&launcher)
        .arg("--version")
        .env("WEFT_BINARY", env!("CARGO_BIN_EXE_weft"));
    let out = run(&mut overridden, NODE_TIMEOUT).unwrap();
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(out.stdout, format!("weft {VERSION}\n"));
}

/// The platform key `lib/binary.js` computes on this machine, as Node
/// reports it.
fn host_platform() -> String {
    let out = node_json(
        tempfile::tempdir().unwrap().path(),
        "platform.cjs",
        &format!(
            "console.log(JSON.stringify(require({:?}).platformKey()));\n",
            Path::new(NPM_DIR).join("weft-bundler/lib/binary.js")
        ),
    );
    out.as_str().unwrap().to_string()
}

/// Every platform folder of npm/ is a package the main package depends on
/// optionally at the same version, that `lib/binary.js` knows, and that
/// says which machines it is for.
#[test]
fn the_npm_packages_agree_with_each_other_and_cargo() {
    let read = |path: PathBuf| -> Value {
        serde_json::from_str(&fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let main = read(Path::new(NPM_DIR).join("weft-bundler/package.json"));
    assert_eq!(main["name"], "weft-bundler");
    assert_eq!(main["version"], VERSION);
    assert_eq!(main["bin"]["weft"], "bin/weft.js");
    let binary_js =
        fs::read_to_string(Path::new(NPM_DIR).join("weft-bundler/lib/binary.js")).unwrap();

    let mut platforms = Vec::new();
    for entry in fs::read_dir(NPM_DIR).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        if !dir.is_dir() || name == "weft-bundler" {
            continue;
        }
        let package = read(dir.join("package.json"));
        let full_name = format!("@weft-bundler/{name}");
        assert_eq!(package["name"], full_name.as_str());
        assert_eq!(package["version"], VERSION, "{full_name}");
        assert_eq!(
            main["optionalDependencies"][&full_name], VERSION,
            "{full_name}"
        );
        assert!(
            package["os"].is_array() && package["cpu"].is_array(),
            "{full_name}"
        );
        let binary = if name.starts_with("win32-") {
            "bin/weft.exe"
        } else {
            "bin/weft"
        };
        assert_eq!(package["files"], serde_json::json!([binary]), "{full_name}");
        let known = format!("'{name}': {{ pkg: '{full_name}', bin: '{binary}' }}");
        assert!(binary_js.contains(&known), "lib/binary.js lacks {known}");
        platforms.push(full_name);
    }
    let mut listed: Vec<&String> = main["optionalDependencies"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    listed.sort();
    platforms.sort();
    assert_eq!(listed, platforms.iter().collect::<Vec<_>>());
    assert!(platforms.contains(&"@weft-bundler/linux-x64-gnu".to_string()));
}

/// `weft api` with `stdin` as the request: exit status and the response.
fn api(dir: &Path, request: &str) -> (Option<i32>, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("api")
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let response = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "weft api printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), response)
}

#[test]
fn the_protocol_answers_every_request_with_one_json_object() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_program(dir);

    let (code, written) = api(
        dir,
        r#"{"entryPoints": ["src/main.ts"], "outfile": "dist/app.js", "logLevel": "silent"}"#,
    );
    assert_eq!(code, Some(0));
    let bundle = dir.join("dist/app.js");
    assert_eq!(
        written,
        serde_json::json!({"errors": [], "warnings": [], "metafile": null,
                           "outputFiles": [{"path": bundle.to_str().unwrap()}]})
    );
    assert!(bundle.is_file());

    let (code, memory) = api(
        dir,
        r#"{"entryPoints": ["src/main.ts"], "outfile": "dist/mem.js", "write": false, "metafile": true}"#,
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        memory["outputFiles"][0]["text"],
        fs::read_to_string(&bundle).unwrap()
    );
    let metafile: Value = serde_json::from_str(memory["metafile"].as_str().unwrap()).unwrap();
    assert!(metafile["outputs"]["dist/mem.js"].is_object(), "{metafile}");
    assert!(!dir.join("dist/mem.js").exists());

    let (code, failed) = api(
        dir,
        r#"{"entryPoints": ["src/broken.ts"], "outfile": "dist/broken.js", "logLevel": "silent"}"#,
    );
    assert_eq!(code, Some(0), "a failed build is a successful exchange");
    assert_eq!(failed["errors"][0]["location"]["file"], "src/broken.ts");
    assert_eq!(failed["outputFiles"], serde_json::json!([]));

    // A warning comes back with the bundle.
    write_file(dir, "warn/main.mjs", "import './lib.js';\n");
    write_file(
        dir,
        "warn/lib.js",
        "console.log(1);\n//# sourceMappingURL=lib.js.map\n",
    );
    let (code, warned) = api(
        dir,
        r#"{"entryPoints": ["warn/main.mjs"], "outfile": "warn/out.js", "write": false, "sourcemap": true, "logLevel": "silent"}"#,
    );
    assert_eq!(code, Some(0));
    assert_eq!(warned["errors"], serde_json::json!([]));
    assert_eq!(warned["outputFiles"].as_array().map(Vec::len), Some(2));
    let location = &warned["warnings"][0]["location"];
    assert_eq!(location["file"], "warn/lib.js", "{warned}");
    assert_eq!(
        (&location["line"], &location["column"]),
        (&2.into(), &22.into())
    );

    let (code, refused) = api(dir, "{\"entryPoints\": [");
    assert_eq!(code, Some(2));
    let text = refused["errors"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("the request is not valid JSON"), "{text}");
    assert_eq!(refused["errors"][0]["location"], Value::Null);
}
