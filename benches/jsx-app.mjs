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
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const count = Number(option("modules") ?? 50000);
const threads = option("threads");
const keep = option("keep");
const weft = join(root, "target", "release", "weft");
const nodeModules = join(root, "fixtures", "ecosystem", "node_modules");
for (const [path, fix] of [[weft, "cargo build --release"], [join(nodeModules, "react"), "npm ci --prefix fixtures/ecosystem"]]) {
  if (!existsSync(path)) {
    console.error(`${path} not found: run ${fix} first`);
    process.exit(1);
  }
}

const dirOf = (i) => `src/g${Math.floor(i / 1000)}/c${Math.floor(i / 50) % 20}`;
const fileOf = (i) => `${dirOf(i)}/C${i}.jsx`;

// A deterministic pseudo-random sequence, so every run builds the same app.
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

function component(i) {
  const children = [];
  for (let c = 10 * i + 1; c <= 10 * i + 10 && c < count; c++) children.push(c);
  for (let k = 0; k < 2; k++) {
    const c = i + 1 + Math.floor(random() * (count - i - 1));
    if (c < count && !children.includes(c)) children.push(c);
  }
  const from = dirOf(i);
  const imports = children
    .map((c) => {
      let path = relative(from, fileOf(c));
      if (!path.startsWith(".")) path = `./${path}`;
      return `import C${c} from '${path}';\n`;
    })
    .join("");
  const rendered = children
    .slice(0, 3)
    .map((c) => `{depth > 0 && <C${c} depth={depth - 1} />}`)
    .join("");
  return `import React, { useState } from 'react';
${imports}
// Component ${i}: doesn't render more than three levels of its children.
export default function C${i}({ depth }) {
  const [n, setN] = useState(${i % 7});
  const label = \`item \${n} of ${i}\`;
  return (
    <section className="c${i}" title={label} onClick={() => setN(n + 1)}>
      <p>It's component ${i} — "${i % 3 === 0 ? "fizz" : "buzz"}" & friends</p>
      ${rendered}
    </section>
  );
}
`;
}

const dir = keep ?? mkdtempSync(join(tmpdir(), "weft-jsx-app-"));
try {
  for (let i = 0; i < count; i++) {
    mkdirSync(join(dir, dirOf(i)), { recursive: true });
    writeFileSync(join(dir, fileOf(i)), component(i));
  }
  writeFileSync(
    join(dir, "src", "main.jsx"),
    `import { renderToString } from 'react-dom/server';
import C0 from './g0/c0/C0.jsx';
console.log(renderToString(<C0 depth={2} />).length);
`,
  );
  writeFileSync(join(dir, "package.json"), '{ "type": "module", "private": true }\n');
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(nodeModules, join(dir, "node_modules"));

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
