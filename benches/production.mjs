// Production output side by side with esbuild: bundle sizes and build times
// of minified builds with source maps.
//
//   three10x: ten copies of three.js's sources behind one entry, iife with
//             --global-name THREE, --minify (size), and --minify --sourcemap
//             (time: median of --runs after a warm-up, interleaved);
//   lodash-chunk: `import { chunk } from 'lodash-es'`, --minify (size).
//
//   node benches/production.mjs [--runs 5]
//
// Needs: cargo build --release; npm ci --prefix benches (esbuild);
// npm ci --prefix fixtures/three and --prefix fixtures/ecosystem.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ecosystemModules, need, root, three10x, threeSources } from "./workloads.mjs";

const args = process.argv.slice(2);
const at = args.indexOf("--runs");
const runs = at >= 0 ? Number(args[at + 1]) : 5;
const weft = join(root, "target", "release", "weft");
const esbuild = join(root, "benches", "node_modules", ".bin", "esbuild");
need([
  [weft, "cargo build --release"],
  [esbuild, "npm ci --prefix benches"],
  [threeSources, "npm ci --prefix fixtures/three"],
  [join(ecosystemModules, "lodash-es"), "npm ci --prefix fixtures/ecosystem"],
]);

const work = mkdtempSync(join(tmpdir(), "weft-production-"));
three10x(work);
symlinkSync(ecosystemModules, join(work, "node_modules"));
writeFileSync(join(work, "lodash.js"), "import { chunk } from 'lodash-es';\nconsole.log(chunk([1, 2, 3, 4, 5], 2));\n");

const run = (tool, input, out, extra) => {
  const started = process.hrtime.bigint();
  if (tool === "weft") {
    execFileSync(weft, ["bundle", input, "-o", out, "--log-level", "error", ...extra], { cwd: work });
  } else {
    execFileSync(esbuild, ["--bundle", input, `--outfile=${out}`, "--log-level=error", ...extra], { cwd: work });
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
};
const size = (file) => statSync(join(work, file)).size;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const weftIife = ["--format", "iife", "--global-name", "THREE"];
const esbuildIife = ["--format=iife", "--global-name=THREE"];
const rows = [];

// Sizes.
run("weft", "three10x.js", "w-min.js", [...weftIife, "--minify"]);
run("esbuild", "three10x.js", "e-min.js", [...esbuildIife, "--minify"]);
rows.push(["three10x --minify (bytes)", size("w-min.js"), size("e-min.js")]);
run("weft", "lodash.js", "w-lodash.js", ["--minify"]);
run("esbuild", "lodash.js", "e-lodash.js", ["--format=esm", "--minify"]);
rows.push(["lodash-es chunk --minify (bytes)", size("w-lodash.js"), size("e-lodash.js")]);

// Times, interleaved after a warm-up.
const times = { weft: [], esbuild: [] };
run("weft", "three10x.js", "w-map.js", [...weftIife, "--minify", "--sourcemap"]);
run("esbuild", "three10x.js", "e-map.js", [...esbuildIife, "--minify", "--sourcemap"]);
for (let i = 0; i < runs; i++) {
  times.weft.push(run("weft", "three10x.js", "w-map.js", [...weftIife, "--minify", "--sourcemap"]));
  times.esbuild.push(run("esbuild", "three10x.js", "e-map.js", [...esbuildIife, "--minify", "--sourcemap"]));
}
rows.push([`three10x --minify --sourcemap (median ms of ${runs})`, Math.round(median(times.weft)), Math.round(median(times.esbuild))]);

console.log("| measure | weft | esbuild | weft / esbuild |");
console.log("|---|---:|---:|---:|");
for (const [name, w, e] of rows) {
  console.log(`| ${name} | ${w} | ${e} | ${(w / e).toFixed(3)} |`);
}
rmSync(work, { recursive: true, force: true });
