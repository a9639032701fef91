// The pre-scan's case: a chain of modules, each importing the next, so
// that discovery without it must parse every module before the next can
// start. Bundles the chain with and without the pre-scan on the same number
// of threads and reports the median times and their ratio.
//
//   node benches/prescan-chain.mjs [--modules 5000] [--threads 2] [--runs 5]
//
// Build weft first: cargo build --release.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chain, need, root } from "./workloads.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const modules = option("modules", 5000);
const threads = option("threads", 2);
const runs = option("runs", 5);
const weft = join(root, "target", "release", "weft");
need([[weft, "cargo build --release"]]);

const dir = mkdtempSync(join(tmpdir(), "weft-chain-"));
try {
  chain(dir, modules);

  const bundle = (extra) => {
    const start = process.hrtime.bigint();
    execFileSync(weft, ["bundle", "src/main.js", "-o", "out.js", "--threads", String(threads), "--log-level", "error", ...extra], { cwd: dir });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  bundle([]); // warm the file cache
  const withScan = [];
  const withoutScan = [];
  for (let r = 0; r < runs; r++) {
    withScan.push(bundle([]));
    withoutScan.push(bundle(["--no-prescan"]));
  }
  const a = median(withScan);
  const b = median(withoutScan);
  console.log(`chain of ${modules} modules, --threads ${threads}, median of ${runs} runs`);
  console.log(`  with pre-scan     ${a.toFixed(0)} ms`);
  console.log(`  --no-prescan      ${b.toFixed(0)} ms`);
  console.log(`  speedup           ${(b / a).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
