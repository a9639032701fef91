//! `--metafile`: what went into each output and what came out, as JSON in
//! esbuild's metafile shape, so the analyzers written for esbuild read it:
//!
//! ```json
//! { "inputs":  { "src/a.js": { "bytes": 120, "format": "esm",
//!                "imports": [{ "path": "src/b.js", "kind": "import-statement", "original": "./b.js" }] } },
//!   "outputs": { "dist/app.js": { "bytes": 900, "entryPoint": "src/a.js", "exports": ["x"],
//!                "imports": [], "inputs": { "src/a.js": { "bytesInOutput": 80 } } } } }
//! ```
//!
//! Paths are relative to the working directory (with `..` for files outside
//! it), with `/` separators.

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::emit::Emitted;
use crate::graph::{ImportKind, ModuleGraph, ModuleKind, Resolution};

/// `path` relative to `base` (both absolute), with `..` where it lies
/// outside, and `/` separators.
pub fn relative_path(path: &Path, base: &Path) -> String {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The metafile of a build, filled one output at a time.
#[derive(Default)]
pub struct Metafile {
    inputs: Map<String, Value>,
    outputs: Map<String, Value>,
}

fn kind_name(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Import | ImportKind::ReExport => "import-statement",
        ImportKind::Dynamic => "dynamic-import",
        ImportKind::Require => "require-call",
    }
}

impl Metafile {
    /// Adds the inputs of one bundle and its output file.
    pub fn add(
        &mut self,
        graph: &ModuleGraph,
        emitted: &Emitted,
        output: &Path,
        output_bytes: usize,
        cwd: &Path,
    ) {
        let show = |path: &Path| relative_path(path, cwd);
        let mut output_imports = Vec::new();
        let mut output_inputs = Map::new();
        for module in &graph.modules {
            let path = show(&module.path);
            let imports: Vec<Value> = module
                .records
                .iter()
                .map(|record| match record.resolution {
                    Resolution::Module(target) => json!({
                        "path": show(&graph.module(target).path),
                        "kind": kind_name(record.kind),
                        "original": record.specifier.as_str(),
                    }),
                    Resolution::External => {
                        let import = json!({
                            "path": record.specifier.as_str(),
                            "kind": kind_name(record.kind),
                            "external": true,
                        });
                        if !output_imports.contains(&import) {
                            output_imports.push(import.clone());
                        }
                        import
                    }
                })
                .collect();
            let format = match module.kind {
                ModuleKind::Esm => "esm",
                ModuleKind::CommonJs => "cjs",
            };
            self.inputs.insert(
                path.clone(),
                json!({
                    "bytes": module.file.src.len(),
                    "imports": imports,
                    "format": format,
                }),
            );
            output_inputs.insert(
                path,
                json!({ "bytesInOutput": emitted.module_bytes[module.id.index()] }),
            );
        }
        let entry = graph.entries[0];
        self.outputs.insert(
            show(output),
            json!({
                "bytes": output_bytes,
                "inputs": output_inputs,
                "imports": output_imports,
                "exports": emitted.exports,
                "entryPoint": show(&graph.module(entry).path),
            }),
        );
    }

    /// The metafile's text.
    pub fn to_json(&self) -> String {
        let value = json!({ "inputs": self.inputs, "outputs": self.outputs });
        let mut text = serde_json::to_string_pretty(&value).expect("a JSON value serializes");
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn paths_are_relative_to_the_working_directory() {
        let cwd = Path::new("/work/app");
        assert_eq!(
            relative_path(Path::new("/work/app/src/a.js"), cwd),
            "src/a.js"
        );
        assert_eq!(
            relative_path(Path::new("/work/lib/node_modules/x/i.js"), cwd),
            "../lib/node_modules/x/i.js"
        );
    }
}
