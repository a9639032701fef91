// weft side by side with esbuild, Rolldown and Bun on this machine: every
// workload built by each bundler in turn (interleaved), after a warm-up,
// `--runs` times; median wall time and median peak RSS, and each peer's
// ratio to weft (above 1: weft is faster or smaller).
//
//   node benches/compare.mjs [--runs 5] [--only three10x,hello]
//
// Needs: cargo build --release; npm ci --prefix benches (esbuild, rolldown
// and bun, pinned in benches/package.json); npm ci --prefix fixtures/three
// and --prefix fixtures/ecosystem.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { chain, ecosystemModules, hello, jsxApp, need, root, three10x, threeSources, tsApp } from "./workloads.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const runs = Number(option("runs") ?? 5);
const only = option("only")?.split(",");
const bin = (name) => join(root, "benches", "node_modules", ".bin", name);
const weft = join(root, "target", "release", "weft");
need([
  [weft, "cargo build --release"],
  [bin("esbuild"), "npm ci --prefix benches"],
  [bin("rolldown"), "npm ci --prefix benches"],
  [bin("bun"), "npm ci --prefix benches"],
  [threeSources, "npm ci --prefix fixtures/three"],
  [join(ecosystemModules, "react"), "npm ci --prefix fixtures/ecosystem"],
]);
const time = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

// How each bundler is asked for the same build. `minify`: --minify
// --sourcemap as an iife with the global name THREE (Bun has no global
// name option, so it writes an ES module, which keeps the exports too).
const bundlers = {
  weft: ({ entry, platform, minify }) => [
    weft,
    ["bundle", entry, "-o", "out/weft.js", "--platform", platform, "--log-level", "error",
      ...(minify ? ["--minify", "--sourcemap", "--format", "iife", "--global-name", "THREE"] : ["--format", "esm"])],
  ],
  esbuild: ({ entry, platform, minify }) => [
    bin("esbuild"),
    [entry, "--bundle", "--outfile=out/esbuild.js", `--platform=${platform}`, "--log-level=error",
      ...(minify ? ["--minify", "--sourcemap", "--format=iife", "--global-name=THREE"] : ["--format=esm"])],
  ],
  rolldown: ({ entry, platform, minify }) => [
    bin("rolldown"),
    [entry, "--file", "out/rolldown.js", "--platform", platform, "--log-level", "silent",
      ...(minify ? ["--minify", "--sourcemap", "--format", "iife", "--name", "THREE"] : ["--format", "esm"])],
  ],
  bun: ({ entry, platform, minify }) => [
    bin("bun"),
    ["build", entry, "--outfile", "out/bun.js", "--target", platform === "node" ? "node" : "browser",
      ...(minify ? ["--minify", "--sourcemap=linked"] : []), "--format", "esm"],
  ],
};

const workloads = [
  { name: "three10x", make: three10x, platform: "browser" },
  { name: "three10x --minify --sourcemap", make: three10x, platform: "browser", minify: true },
  { name: "jsx-app-10000", make: (dir) => jsxApp(dir, 10000), platform: "browser" },
  { name: "jsx-app-50000", make: (dir) => jsxApp(dir, 50000), platform: "browser" },
  { name: "ts-app", make: (dir) => tsApp(dir, 5000), platform: "browser" },
  { name: "chain", make: (dir) => chain(dir, 5000), platform: "browser" },
  { name: "hello", make: hello, platform: "browser" },
].filter((w) => !only || only.includes(w.name.split(" ")[0]));

/// Runs one build; returns wall ms and peak RSS in KiB (or null).
function measure(name, spec, dir) {
  const [command, argv] = bundlers[name](spec);
  const started = process.hrtime.bigint();
  const result = time
    ? spawnSync(time, ["-f", "%M", command, ...argv], { cwd: dir, encoding: "utf8" })
    : spawnSync(command, argv, { cwd: dir, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${name} failed on ${spec.entry}:\n${result.stdout}\n${result.stderr}`);
  }
  const rss = time ? Number(result.stderr.trim().split("\n").pop()) : null;
  return { ms, rss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const names = Object.keys(bundlers);
const rows = [];
for (const workload of workloads) {
  const dir = mkdtempSync(join(tmpdir(), "weft-compare-"));
  try {
    const entry = workload.make(dir);
    const spec = { entry, platform: workload.platform, minify: workload.minify };
    for (const name of names) measure(name, spec, dir); // warm-up
    const results = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < runs; r++) {
      for (const name of names) results[name].push(measure(name, spec, dir));
    }
    const row = { workload: workload.name };
    for (const name of names) {
      row[name] = {
        ms: median(results[name].map((x) => x.ms)),
        rss: time ? median(results[name].map((x) => x.rss)) : null,
      };
    }
    rows.push(row);
    console.error(`${workload.name}: ${names.map((n) => `${n} ${row[n].ms.toFixed(0)} ms`).join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const peers = names.filter((n) => n !== "weft");
console.log(`${cpus().length} cores; median of ${runs} interleaved runs after a warm-up; ratio = peer / weft\n`);
console.log(`| workload | ${names.map((n) => `${n} ms`).join(" | ")} | ${peers.map((p) => `${p} / weft`).join(" | ")} |`);
console.log(`|---|${names.map(() => "---:").join("|")}|${peers.map(() => "---:").join("|")}|`);
for (const row of rows) {
  console.log(`| ${row.workload} | ${names.map((n) => row[n].ms.toFixed(0)).join(" | ")} | ${peers.map((p) => (row[p].ms / row.weft.ms).toFixed(2)).join(" | ")} |`);
}
if (time) {
  console.log(`\n| workload | ${names.map((n) => `${n} MiB`).join(" | ")} | ${peers.map((p) => `${p} / weft`).join(" | ")} |`);
  console.log(`|---|${names.map(() => "---:").join("|")}|${peers.map(() => "---:").join("|")}|`);
  for (const row of rows) {
    console.log(`| ${row.workload} | ${names.map((n) => (row[n].rss / 1024).toFixed(0)).join(" | ")} | ${peers.map((p) => (row[p].rss / row.weft.rss).toFixed(2)).join(" | ")} |`);
  }
}
