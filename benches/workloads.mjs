// The benchmark workloads, generated into a directory. Each generator
// writes its files and returns the entry's path relative to `dir`.

import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const ecosystemModules = join(root, "fixtures", "ecosystem", "node_modules");
export const threeSources = join(root, "fixtures", "three", "node_modules", "three", "src");

/// Exits with a hint when something a benchmark needs is missing.
export function need(paths) {
  for (const [path, hint] of paths) {
    if (!existsSync(path)) {
      console.error(`${path} not found: run ${hint} first`);
      process.exit(1);
    }
  }
}

const write = (dir, file, text) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
};

const linkModules = (dir) => {
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(ecosystemModules, join(dir, "node_modules"));
};

/// Ten copies of three.js's sources behind one entry that re-exports each
/// copy's namespace.
export function three10x(dir) {
  let entry = "";
  for (let i = 0; i < 10; i++) {
    cpSync(threeSources, join(dir, `copy${i}`), { recursive: true });
    entry += `import * as copy${i} from './copy${i}/Three.js';\n`;
  }
  entry += `export { ${[...Array(10).keys()].map((i) => `copy${i}`).join(", ")} };\n`;
  write(dir, "three10x.js", entry);
  return "three10x.js";
}

/// A React app of `count` JSX components in nested folders. Component i
/// lives in src/g<i/1000>/c<i/50%20>/C<i>.jsx and imports its children
/// 10i+1 … 10i+10 (a tree, so every component is reachable) plus two
/// components further down, by relative paths across folders.
export function jsxApp(dir, count) {
  const dirOf = (i) => `src/g${Math.floor(i / 1000)}/c${Math.floor(i / 50) % 20}`;
  const fileOf = (i) => `${dirOf(i)}/C${i}.jsx`;
  // A deterministic pseudo-random sequence: every run builds the same app.
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < count; i++) {
    const children = [];
    for (let c = 10 * i + 1; c <= 10 * i + 10 && c < count; c++) children.push(c);
    for (let k = 0; k < 2; k++) {
      const c = i + 1 + Math.floor(random() * (count - i - 1));
      if (c < count && !children.includes(c)) children.push(c);
    }
    const imports = children
      .map((c) => {
        let path = relative(dirOf(i), fileOf(c));
        if (!path.startsWith(".")) path = `./${path}`;
        return `import C${c} from '${path}';\n`;
      })
      .join("");
    const rendered = children
      .slice(0, 3)
      .map((c) => `{depth > 0 && <C${c} depth={depth - 1} />}`)
      .join("");
    write(
      dir,
      fileOf(i),
      `import React, { useState } from 'react';
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
`,
    );
  }
  write(
    dir,
    "src/main.jsx",
    `import { renderToString } from 'react-dom/server';
import C0 from './g0/c0/C0.jsx';
console.log(renderToString(<C0 depth={2} />).length);
`,
  );
  write(dir, "package.json", '{ "type": "module", "private": true }\n');
  linkModules(dir);
  return "src/main.jsx";
}

/// A chain of `count` modules, each importing the next; each is a small
/// but ordinary piece of code (a class, functions, strings and a template
/// literal), about 1.5 kB.
export function chain(dir, count) {
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? `import { step as next } from "./m${i + 1}.js";\n` : "const next = (x) => x;\n";
    write(
      dir,
      `src/m${i}.js`,
      `${next}
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
`,
    );
  }
  write(dir, "src/main.js", 'import { step } from "./m0.js";\nconsole.log(step(1));\n');
  write(dir, "package.json", '{ "type": "module", "private": true }\n');
  return "src/main.js";
}

/// A TypeScript app of `count` modules: interfaces, enums, generics and
/// classes, each module importing two later ones (types and values).
export function tsApp(dir, count) {
  for (let i = 0; i < count; i++) {
    const deps = [2 * i + 1, 2 * i + 2].filter((d) => d < count);
    const imports = deps
      .map((d) => `import { Store${d}, type Item${d}, Kind${d} } from "./m${d}";\n`)
      .join("");
    const uses = deps.map((d) => `    total += new Store${d}<Item${d}>().add({ id: x, kind: Kind${d}.B, tags: [] }).size();\n`).join("");
    write(
      dir,
      `src/m${i}.ts`,
      `${imports}
export interface Item${i} {
  id: number;
  kind: Kind${i};
  tags: readonly string[];
  meta?: Record<string, unknown>;
}

export enum Kind${i} {
  A = ${i},
  B,
  C = "c${i}",
}

type Pick${i}<T, K extends keyof T> = { [P in K]: T[P] };

export class Store${i}<T extends { id: number }> {
  private readonly items = new Map<number, T>();
  constructor(public readonly name: string = "store${i}") {}
  add(item: T): this {
    this.items.set(item.id, item);
    return this;
  }
  size(): number {
    return this.items.size;
  }
  find<K extends keyof T>(id: number, keys: K[]): Pick${i}<T, K> | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    const out = {} as Pick${i}<T, K>;
    for (const key of keys) out[key] = item[key];
    return out;
  }
}

export function run${i}(x: number): number {
  let total: number = x;
${uses}  return total % 1000003;
}
`,
    );
  }
  write(dir, "src/main.ts", 'import { run0 } from "./m0";\nconsole.log(run0(1));\n');
  write(dir, "package.json", '{ "type": "module", "private": true }\n');
  return "src/main.ts";
}

/// Two tiny files: start-up latency.
export function hello(dir) {
  write(dir, "src/main.js", 'import { greet } from "./greet.js";\nconsole.log(greet("world"));\n');
  write(dir, "src/greet.js", "export const greet = (name) => `hello, ${name}`;\n");
  write(dir, "package.json", '{ "type": "module", "private": true }\n');
  return "src/main.js";
}
