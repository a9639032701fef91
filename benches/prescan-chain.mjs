// The pre-scan's case: a chain of modules, each importing the next, so
// that discovery without it must parse every module before the next can
// start. Bundles the chain with and without the pre-scan on the same number
// of threads and reports the median times and their ratio.
//
//   node benches/prescan-chain.mjs [--modules 5000] [--threads 2] [--runs 5]
//
// Build weft first: cargo build --release.

import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const modules = option("modules", 5000);
const threads = option("threads", 2);
const runs = option("runs", 5);
const weft = join(root, "target", "release", "weft");
if (!existsSync(weft)) {
  console.error(`${weft} not found: run cargo build --release first`);
  process.exit(1);
}

// Each module is a small but ordinary piece of code (a class, a few
// functions, strings and a template literal), about 1.5 kB.
function moduleSource(i) {
  const next = i + 1 < modules ? `import { step as next } from "./m${i + 1}.js";\n` : "const next = (x) => x;\n";
  return `${next}
/** Module ${i} of the chain. */
export class Counter${i} {
  constructor(start = ${i}) {
    this.value = start;
    this.history = [];
  }
  add(amount) {
    this.history.push({ at: this.history.length, amount });
    this.value += amount;
    return this;
  }
  describe() {
    return \`counter ${i}: \${this.value} after \${this.history.length} steps\`;
  }
}

const table${i} = { name: "m${i}", weight: ${i % 17}, tags: ["a", "b", "c"], nested: { depth: ${i % 5} } };

function mix${i}(a, b) {
  let total = 0;
  for (let k = 0; k < 3; k++) {
    total += (a * k + b) % 7;
  }
  return total / 2 > 1 ? total : -total;
}

export function step(x) {
  const counter = new Counter${i}(x).add(table${i}.weight).add(mix${i}(x, ${i}));
  if (counter.describe().length < 0) throw new Error("unreachable");
  return next(counter.value % 1000003);
}
`;
}

const dir = mkdtempSync(join(tmpdir(), "weft-chain-"));
try {
  mkdirSync(join(dir, "src"));
  for (let i = 0; i < modules; i++) writeFileSync(join(dir, "src", `m${i}.js`), moduleSource(i));
  writeFileSync(join(dir, "src", "main.js"), 'import { step } from "./m0.js";\nconsole.log(step(1));\n');
  writeFileSync(join(dir, "package.json"), '{ "type": "module", "private": true }\n');

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
