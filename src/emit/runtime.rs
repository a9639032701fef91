//! The runtime helpers a chunk may need. Only the ones a chunk uses are
//! emitted; their names are reserved by the renamer.

/// Which helpers a chunk uses.
pub struct Helpers {
    /// `__ns`: builds a module namespace object.
    pub namespace: bool,
    /// `__esm`: a lazy, run-once module initializer.
    pub lazy: bool,
    /// `__commonJS`: a CommonJS module's run-once `require`.
    pub commonjs: bool,
    /// `__default`: the default export of code transpiled for bundlers.
    pub default: bool,
    /// `__require`: Node's `require`. `create_require` makes it with
    /// `createRequire(import.meta.url)`: ES module output for Node.
    pub require: bool,
    pub create_require: bool,
    /// `__filename` and `__dirname` of the bundle, for ES module output on
    /// Node, where they do not exist.
    pub filename: bool,
    /// `__export`: defines live export getters on `module.exports`.
    pub export: bool,
    /// `__import`: an ES module view of a `require`d external.
    pub import: bool,
    /// `__main`: what `require.main` is when the entry is a CommonJS
    /// module, the entry's `module` object.
    pub main: bool,
}

/// A module namespace object: null prototype, `Symbol.toStringTag` of
/// "Module", one enumerable getter per export (so bindings stay live), and
/// not extensible. The getters are given in the specification's key order.
const NAMESPACE: &str = r#"var __ns = (getters) => {
  var ns = Object.create(null, { [Symbol.toStringTag]: { value: "Module" } });
  for (var key in getters) Object.defineProperty(ns, key, { get: getters[key], enumerable: true });
  return Object.preventExtensions(ns);
};
"#;

/// Runs `init` once, at the first call; later calls (including re-entrant
/// ones from an import cycle) return what the first returned.
const LAZY: &str =
    "var __esm = (init, result) => () => (init && (result = init(init = 0)), result);\n";

/// Runs a CommonJS module's function at the first call, with `this` and
/// `exports` set to `module.exports`, and returns `module.exports`. The
/// module object exists before the function runs, so a circular `require`
/// gets the exports as far as they are, as in Node; a module that throws is
/// forgotten, so the next `require` runs it again, as in Node.
const COMMONJS: &str = r#"var __commonJS = (body, module) => () => {
  if (!module) {
    module = { exports: {} };
    try {
      body.call(module.exports, module.exports, module);
    } catch (error) {
      module = void 0;
      throw error;
    }
  }
  return module.exports;
};
"#;

/// Node's `require`, for what the bundle does not contain: built-ins,
/// externals, and specifiers computed at run time. Where there is none (a
/// browser), calling it throws.
const REQUIRE: &str = r#"var __require = typeof require !== "undefined" ? require : (id) => {
  throw new Error('Dynamic require of "' + id + '" is not supported');
};
"#;

/// The bundle's own `__filename` and `__dirname`, as a CommonJS bundle has.
const FILENAME: &str = "import { fileURLToPath as __fileURLToPath } from \"url\";\nimport { dirname as __pathDirname } from \"path\";\nvar __filename = __fileURLToPath(import.meta.url);\nvar __dirname = __pathDirname(__filename);\n";

/// The same on Node in an ES module, which has no `require` of its own.
const CREATE_REQUIRE: &str = "import { createRequire as __createRequire } from \"module\";\nvar __require = __createRequire(import.meta.url);\n";

/// `import x from` a module transpiled for bundlers: its `exports.default`
/// when it sets `__esModule`, else `module.exports`.
const DEFAULT: &str =
    "var __default = (exports) => exports && exports.__esModule ? exports.default : exports;\n";

const EXPORT: &str = r#"var __export = (target, getters) => {
  for (var key in getters) Object.defineProperty(target, key, { get: getters[key], enumerable: true });
};
"#;

/// Node's view of a CommonJS module from an `import`: `default` is
/// `module.exports`, and named imports read its properties (through the
/// prototype, so they stay live).
const IMPORT: &str = r#"var __import = (exports) => exports !== null && (typeof exports === "object" || typeof exports === "function")
  ? Object.create(exports, { default: { value: exports, enumerable: true } })
  : { default: exports };
"#;

impl Helpers {
    pub fn code(&self) -> String {
        let mut out = String::new();
        if self.namespace {
            out.push_str(NAMESPACE);
        }
        if self.lazy {
            out.push_str(LAZY);
        }
        if self.filename {
            out.push_str(FILENAME);
        }
        if self.require {
            out.push_str(if self.create_require {
                CREATE_REQUIRE
            } else {
                REQUIRE
            });
        }
        if self.commonjs {
            out.push_str(COMMONJS);
        }
        if self.main {
            out.push_str("var __main;\n");
        }
        if self.default {
            out.push_str(DEFAULT);
        }
        if self.export {
            out.push_str(EXPORT);
        }
        if self.import {
            out.push_str(IMPORT);
        }
        out
    }
}
