// es-module-lexer's throughput on the files of the pre-scan benchmark
// (benches/prescan.rs): every .js file of three.js's src, lexed one after
// another on one thread. Reports MB/s of source bytes, like criterion's
// bytes per second for `cargo bench --bench prescan`.
//
//   npm ci --prefix benches && node benches/es-module-lexer.mjs [--runs 20]
//
// Needs `npm ci --prefix fixtures/three`.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { init, parse } from "es-module-lexer";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const at = args.indexOf("--runs");
const runs = at >= 0 ? Number(args[at + 1]) : 20;

const dir = join(root, "fixtures/three/node_modules/three/src");
if (!existsSync(dir)) {
  console.error(`${dir} not found: run npm ci --prefix fixtures/three`);
  process.exit(1);
}

/** Every .js file under `dir`, sorted so runs are comparable. */
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return jsFiles(path);
      return entry.name.endsWith(".js") ? [path] : [];
    });
}

const buffers = jsFiles(dir).map((path) => readFileSync(path));
const bytes = buffers.reduce((sum, b) => sum + b.length, 0);
// The lexer takes strings: decode outside the timed loop, as the Rust
// benchmark reads its files before measuring.
const sources = buffers.map((b) => b.toString("utf8"));

await init;

let imports = 0;
function lexAll() {
  imports = 0;
  for (const source of sources) {
    const [found] = parse(source);
    imports += found.length;
  }
}

// Warm-up: let the engine compile and optimize the lexer.
for (let i = 0; i < 5; i++) lexAll();

const times = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  lexAll();
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
}
const best = Math.min(...times);
const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
const mbps = (seconds) => (bytes / seconds / 1e6).toFixed(0);

console.log(
  `es-module-lexer on ${sources.length} files, ${(bytes / 1e6).toFixed(2)} MB, ` +
    `${imports} imports each pass, ${runs} runs`,
);
console.log(`best ${(best * 1e3).toFixed(2)} ms: ${mbps(best)} MB/s`);
console.log(`median ${(median * 1e3).toFixed(2)} ms: ${mbps(median)} MB/s`);
console.log(`mean ${(mean * 1e3).toFixed(2)} ms: ${mbps(mean)} MB/s`);
