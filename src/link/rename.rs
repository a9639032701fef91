//! Renaming: every top-level name of the chunk gets a final name that is
//! unique in the chunk, never shadows a global the code reads, and never
//! captures a name a nested scope declares (the analysis lists both as the
//! module's reserved names). Names are given in execution order, so the
//! same graph always gets the same names.

use rustc_hash::{FxHashMap, FxHashSet};

use swc_atoms::Atom;
use swc_ecma_ast::Id;

use crate::graph::{identifier_of, ModuleGraph, ModuleKind, Resolution};

use super::{Liveness, Ref};

/// Names the emitted runtime uses, and globals that output code relies on.
const ALWAYS_RESERVED: &[&str] = &[
    "__esm",
    "__ns",
    "__commonJS",
    "__default",
    "__createRequire",
    "__require",
    "__main",
    "__fileURLToPath",
    "__pathDirname",
    "__import",
    "__export",
    "undefined",
    "NaN",
    "Infinity",
    "arguments",
    "eval",
    "require",
    "module",
    "exports",
    "__filename",
    "__dirname",
    "globalThis",
    "Object",
    "Promise",
    "Symbol",
];

/// The final names of a chunk.
pub struct Names {
    pub symbols: FxHashMap<Id, Atom>,
    /// Per module: the binding of its namespace object, if one is built.
    pub namespaces: Vec<Atom>,
    /// Per module that does not run inline: the binding of its lazy
    /// initializer (`require_<stem>` for CommonJS), or of the promise of its
    /// asynchronous evaluation.
    pub inits: Vec<Option<Atom>>,
    /// Per ES module: the binding of what `require()` of it returns when
    /// that is not its namespace (it has a default export, so Node adds
    /// `__esModule`).
    pub required_namespaces: Vec<Atom>,
    /// Per external specifier: the binding of its namespace.
    pub externals: Vec<(Atom, Atom)>,
    /// Every name given out or reserved, for [`Names::unused`].
    taken: FxHashSet<Atom>,
    /// The names no top-level binding may take, for [`Names::shorten`]:
    /// made with the first names, on the naming thread, so that the serial
    /// part of linking does not gather them again.
    reserved: FxHashSet<Atom>,
}

impl Names {
    /// `wrapped[m]`: module `m` does not run inline and needs a binding in
    /// `inits`.
    pub fn assign(graph: &ModuleGraph, wrapped: &[bool]) -> Names {
        let reserved = reserved_names(graph);
        let mut fresh = Fresh {
            taken: reserved.clone(),
            suffixes: FxHashMap::default(),
        };

        let mut symbols = FxHashMap::default();
        for m in &graph.modules {
            for id in &m.symbols {
                symbols.insert(id.clone(), fresh.name(&id.0));
            }
        }

        let mut externals: Vec<(Atom, Atom)> = Vec::new();
        for m in &graph.modules {
            for r in &m.records {
                if r.resolution == Resolution::External
                    && r.kind.is_static()
                    && !externals.iter().any(|(s, _)| *s == r.specifier)
                {
                    let name =
                        fresh.name(&format!("import_{}", identifier_of(&r.specifier)).into());
                    externals.push((r.specifier.clone(), name));
                }
            }
        }

        let stems: Vec<String> = graph
            .modules
            .iter()
            .map(|m| {
                identifier_of(
                    &m.path
                        .file_stem()
                        .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
                )
            })
            .collect();
        let namespaces = stems
            .iter()
            .map(|stem| fresh.name(&format!("{stem}_exports").into()))
            .collect();
        let inits = graph
            .modules
            .iter()
            .zip(&stems)
            .map(|(m, stem)| {
                let prefix = match m.kind {
                    ModuleKind::CommonJs => "require",
                    ModuleKind::Esm => "init",
                };
                wrapped[m.id.index()].then(|| fresh.name(&format!("{prefix}_{stem}").into()))
            })
            .collect();
        let required_namespaces = graph
            .modules
            .iter()
            .zip(&stems)
            .map(|(m, stem)| {
                if graph.required[m.id.index()] && m.kind == ModuleKind::Esm {
                    fresh.name(&format!("{stem}_module").into())
                } else {
                    Atom::default()
                }
            })
            .collect();

        Names {
            symbols,
            namespaces,
            inits,
            required_namespaces,
            externals,
            taken: fresh.taken,
            reserved,
        }
    }

    /// Gives every name of the chunk the shortest name free, the most used
    /// first (`--minify-identifiers`). Names stay unique in the chunk and
    /// keep clear of the globals and nested names the code mentions.
    pub fn shorten(
        &mut self,
        graph: &ModuleGraph,
        import_refs: &FxHashMap<Id, Ref>,
        live: &Liveness,
        keep_names: bool,
    ) {
        // Each name of the chunk, with how often the output writes it.
        enum Slot<'g> {
            Symbol(&'g Id),
            Namespace(usize),
            Init(usize),
            Required(usize),
            External(usize),
        }
        // Keyed by the ids the graph and the import table hold: counting
        // copies no name.
        let mut counts: FxHashMap<&Id, u32> = FxHashMap::default();
        let mut namespace_counts = vec![0u32; graph.modules.len()];
        let mut init_counts = vec![0u32; graph.modules.len()];
        let mut external_counts = vec![0u32; self.externals.len()];
        for m in &graph.modules {
            for (id, n) in &m.use_counts {
                match import_refs.get(id) {
                    Some(Ref::Symbol(target)) => *counts.entry(target).or_default() += n,
                    Some(Ref::Namespace(t)) => namespace_counts[t.index()] += n,
                    Some(Ref::CommonJs { module, .. }) => init_counts[module.index()] += n,
                    Some(Ref::External { specifier, .. }) => {
                        if let Some(i) = self.externals.iter().position(|(s, _)| s == specifier) {
                            external_counts[i] += n;
                        }
                    }
                    None => *counts.entry(id).or_default() += n,
                }
            }
            for r in &m.records {
                if let Resolution::Module(t) = r.resolution {
                    init_counts[t.index()] += 1;
                }
            }
        }
        let mut slots: Vec<(u32, Slot)> = Vec::new();
        // Bindings nothing keeps are named last.
        let mut dead = Vec::new();
        for m in &graph.modules {
            let kept: FxHashSet<&Id> = m
                .parts
                .iter()
                .enumerate()
                .filter(|(index, _)| live.part(m.id, *index))
                .flat_map(|(_, part)| &part.declares)
                .collect();
            for id in &m.symbols {
                if !live.module(m.id) || !(kept.contains(id) || m.parts.is_empty()) {
                    dead.push((0, Slot::Symbol(id)));
                    continue;
                }
                let n = counts.get(id).copied().unwrap_or(0);
                slots.push((n, Slot::Symbol(id)));
            }
            let i = m.id.index();
            slots.push((namespace_counts[i] + 1, Slot::Namespace(i)));
            if self.inits[i].is_some() {
                slots.push((init_counts[i] + 1, Slot::Init(i)));
            }
            if !self.required_namespaces[i].is_empty() {
                slots.push((1, Slot::Required(i)));
            }
        }
        for (i, n) in external_counts.iter().enumerate() {
            slots.push((n + 1, Slot::External(i)));
        }
        // Most used first; ties in execution order, so names are stable.
        slots.sort_by_key(|slot| std::cmp::Reverse(slot.0));
        slots.extend(dead);

        let mut taken = std::mem::take(&mut self.reserved);
        // Names that stay as they are.
        if keep_names {
            let named: FxHashSet<&Id> = graph
                .modules
                .iter()
                .flat_map(|m| &m.named_bindings)
                .collect();
            slots.retain(|(_, slot)| match slot {
                Slot::Symbol(id) if named.contains(*id) => {
                    taken.insert(self.symbols[*id].clone());
                    false
                }
                _ => true,
            });
        }
        let mut next = 0usize;
        let mut short = || loop {
            let name = Atom::from(short_name(next));
            next += 1;
            if !taken.contains(&name) && !is_reserved_word(&name) {
                return name;
            }
        };
        for (_, slot) in slots {
            let name = short();
            match slot {
                Slot::Symbol(id) => {
                    *self
                        .symbols
                        .get_mut(id)
                        .expect("every top-level binding was named") = name;
                }
                Slot::Namespace(i) => self.namespaces[i] = name,
                Slot::Init(i) => self.inits[i] = Some(name),
                Slot::Required(i) => self.required_namespaces[i] = name,
                Slot::External(i) => self.externals[i].1 = name,
            }
        }
        self.taken = taken;
        self.taken.extend(self.symbols.values().cloned());
        self.taken.extend(self.namespaces.iter().cloned());
        self.taken.extend(self.inits.iter().flatten().cloned());
        self.taken.extend(self.required_namespaces.iter().cloned());
        self.taken
            .extend(self.externals.iter().map(|(_, n)| n.clone()));
    }

    /// Names nothing in the chunk uses, one per base name, for bindings the
    /// chunk's assembly adds.
    pub fn unused(&self, bases: &[Atom]) -> Vec<Atom> {
        if bases.is_empty() {
            // Spare the copy of every name in the chunk.
            return Vec::new();
        }
        let mut fresh = Fresh {
            taken: self.taken.clone(),
            suffixes: FxHashMap::default(),
        };
        bases.iter().map(|base| fresh.name(base)).collect()
    }

    pub fn external(&self, specifier: &Atom) -> &Atom {
        &self
            .externals
            .iter()
            .find(|(s, _)| s == specifier)
            .expect("every external specifier is named")
            .1
    }
}

/// Names no top-level binding may take: the runtime's, and the globals and
/// nested names the modules mention.
fn reserved_names(graph: &ModuleGraph) -> FxHashSet<Atom> {
    let mut taken: FxHashSet<Atom> = ALWAYS_RESERVED.iter().map(|s| Atom::from(*s)).collect();
    for m in &graph.modules {
        taken.extend(m.reserved.iter().cloned());
    }
    taken
}

/// The `index`th shortest identifier: `a`…`z`, `A`…`Z`, `_`, `$`, then
/// two characters, and so on.
pub(crate) fn short_name(mut index: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$0123456789";
    let mut name = String::new();
    name.push(FIRST[index % FIRST.len()] as char);
    index /= FIRST.len();
    while index > 0 {
        index -= 1;
        name.push(REST[index % REST.len()] as char);
        index /= REST.len();
    }
    name
}

/// Words that cannot name a binding in strict code.
pub(crate) fn is_reserved_word(name: &str) -> bool {
    matches!(
        name,
        "do" | "if"
            | "in"
            | "for"
            | "let"
            | "new"
            | "try"
            | "var"
            | "case"
            | "else"
            | "enum"
            | "eval"
            | "null"
            | "this"
            | "true"
            | "void"
            | "with"
            | "await"
            | "break"
            | "catch"
            | "class"
            | "const"
            | "false"
            | "super"
            | "throw"
            | "while"
            | "yield"
            | "delete"
            | "export"
            | "import"
            | "public"
            | "return"
            | "static"
            | "switch"
            | "typeof"
            | "default"
            | "extends"
            | "finally"
            | "package"
            | "private"
            | "continue"
            | "debugger"
            | "function"
            | "arguments"
            | "interface"
            | "protected"
            | "implements"
            | "instanceof"
    )
}

struct Fresh {
    taken: FxHashSet<Atom>,
    /// The last suffix tried for a base name, so that a name declared in
    /// many modules does not rescan the suffixes from the start.
    suffixes: FxHashMap<Atom, u32>,
}

impl Fresh {
    fn name(&mut self, base: &Atom) -> Atom {
        if self.taken.insert(base.clone()) {
            return base.clone();
        }
        let suffix = self.suffixes.entry(base.clone()).or_insert(0);
        loop {
            *suffix += 1;
            let candidate: Atom = format!("{base}${suffix}").into();
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn short_names_are_distinct_and_grow() {
        let names: Vec<String> = (0..10_000).map(short_name).collect();
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert_eq!(names[0], "a");
        assert_eq!(names[53], "$");
        assert_eq!(names[54], "aa");
        assert_eq!(names[55], "ba");
        assert_eq!(short_name(54 + 54 * 64), "aaa");
        assert!(names.windows(2).all(|w| w[0].len() <= w[1].len()));
    }
}
