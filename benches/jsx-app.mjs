// A large React app of JSX components, for measuring discovery at scale:
// generates it and bundles it once with `--timing`.
//
//   node benches/jsx-app.mjs [--modules 50000] [--threads N] [--keep DIR]
//
// Component i lives in src/g<i/1000>/c<i/50%20>/C<i>.jsx and imports its
// children 10i+1 … 10i+10 (a tree, so every component is reachable) plus
// two components further down, by relative paths across directories. React
// comes from fixtures/ecosystem (run `npm ci --prefix fixtures/ecosystem`)
// and weft from target/release (run `cargo build --release`).

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ecosystemModules, jsxApp, need, root } from "./workloads.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const count = Number(option("modules") ?? 50000);
const threads = option("threads");
const keep = option("keep");
const weft = join(root, "target", "release", "weft");
need([
  [weft, "cargo build --release"],
  [join(ecosystemModules, "react"), "npm ci --prefix fixtures/ecosystem"],
]);

const dir = keep ?? mkdtempSync(join(tmpdir(), "weft-jsx-app-"));
try {
  jsxApp(dir, count);

  const bundle = (stdio) =>
    execFileSync(weft, ["bundle", "src/main.jsx", "-o", "out.js", "--platform", "node", "--timing", ...(threads ? ["--threads", threads] : [])], {
      cwd: dir,
      stdio,
    });
  bundle("ignore"); // warm the file cache
  console.log(`JSX app of ${count} components (${dir})`);
  bundle(["ignore", "inherit", "inherit"]);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
