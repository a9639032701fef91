// Many entry points in one folder, built by one `weft api` request (as a
// build script with a glob of pages would): the time per entry must stay
// flat as the count doubles. A resolver per entry read the folder's listing
// once per entry, so the time grew with the square of the count.
//
//   node benches/many-entries.mjs [--counts 1000,2000,4000,8000,16000] [--binary target/release/weft]
//
// Build weft first: cargo build --release.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { need, root } from "./workloads.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const counts = option("counts", "1000,2000,4000,8000,16000").split(",").map(Number);
const weft = resolve(option("binary", join(root, "target", "release", "weft")));
need([[weft, "cargo build --release"]]);

const dir = mkdtempSync(join(tmpdir(), "weft-entries-"));
try {
  const most = Math.max(...counts);
  mkdirSync(join(dir, "src"));
  for (let i = 0; i < most; i++) {
    writeFileSync(join(dir, "src", `page${i}.js`), `export const page = ${i};\n`);
  }
  console.log(`entries in one folder, one weft api request each, written to dist/`);
  let first;
  for (const count of counts) {
    const request = {
      entryPoints: Array.from({ length: count }, (_, i) => `src/page${i}.js`),
      outdir: "dist",
      logLevel: "silent",
    };
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    const start = process.hrtime.bigint();
    execFileSync(weft, ["api"], { cwd: dir, input: JSON.stringify(request), maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const each = ms / count;
    first ??= each;
    console.log(
      `  ${String(count).padStart(6)} entries  ${(ms / 1000).toFixed(2).padStart(7)} s  ` +
        `${each.toFixed(2)} ms each  (${(each / first).toFixed(2)}x the first)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
