//! Specifier resolution with `oxc_resolver`: one resolver per build, shared
//! by every worker (it is `Sync` and caches file system lookups itself).

use std::path::{Path, PathBuf};

use oxc_resolver::{
    FileSystem, ModuleType, Resolution, ResolveError, ResolveOptions, ResolverGeneric, SideEffects,
    TsconfigDiscovery,
};

use crate::diagnostics::{Diagnostic, Location};
use crate::graph::ImportKind;
use crate::options::{BuildOptions, Platform};

use super::listing::ListedFs;
use super::parse::JsxSettings;

type Resolver = ResolverGeneric<ListedFs>;

/// What a specifier resolves to.
pub enum Resolved {
    Path(PathBuf, FileFacts),
    External,
    /// `false` in a package's `browser` field: the module is empty.
    Empty(PathBuf),
    Failed(Unresolved),
}

/// Why a specifier could not be resolved, and what might help.
#[derive(Clone, Debug)]
pub struct Unresolved {
    pub reason: String,
    pub hint: Option<String>,
    /// A `package.json` or `tsconfig.json` resolution tripped on: the
    /// problem is reported in that file, not at the import.
    pub config: Option<Box<Diagnostic>>,
}

impl Unresolved {
    fn failed(reason: String, hint: Option<String>) -> Resolved {
        Resolved::Failed(Unresolved {
            reason,
            hint,
            config: None,
        })
    }

    /// The error to report for `specifier` at `location`.
    pub fn diagnostic(&self, specifier: &str, location: Location) -> Diagnostic {
        if let Some(config) = &self.config {
            return (**config).clone();
        }
        let mut d = Diagnostic::error(format!("could not resolve \"{specifier}\"")).at(location);
        if !self.reason.is_empty() {
            d = d.with_note(self.reason.clone());
        }
        if let Some(hint) = &self.hint {
            d = d.with_hint(hint.clone());
        }
        d
    }
}

/// What the package around a file says about it.
#[derive(Clone, Copy, Debug)]
pub struct FileFacts {
    /// Whether Node loads the file as an ES module, a CommonJS module, or
    /// decides by its syntax (`None`: no `type` field governs it).
    pub module_type: Option<ModuleType>,
    /// False when the package's `sideEffects` leaves the file out.
    pub side_effects: bool,
}

pub struct ModuleResolver {
    /// For `import` and `export … from`: the `import` condition.
    import: Resolver,
    /// For `require()`: the `require` condition, and no `module` main field.
    require: Resolver,
    platform: Platform,
    /// `--external` package patterns (names and `pkg/*`).
    external: Vec<String>,
    /// `--external ./path` patterns, as real paths.
    external_paths: Vec<PathBuf>,
}

impl ModuleResolver {
    pub fn new(options: &BuildOptions) -> ModuleResolver {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let platform_condition: &[&str] = match options.platform {
            Platform::Browser => &["browser"],
            Platform::Node => &["node"],
            Platform::Neutral => &[],
        };
        let conditions = |kind: &str| {
            let mut list = strings(platform_condition);
            list.push(kind.to_string());
            list.push("default".to_string());
            list.extend(options.conditions.iter().cloned());
            list
        };
        let main_fields: &[&str] = match options.platform {
            Platform::Browser => &["browser", "module", "main"],
            Platform::Node | Platform::Neutral => &["module", "main"],
        };
        let external_paths = options
            .external
            .iter()
            .filter(|p| is_path_pattern(p))
            .filter_map(|p| options.absolute(Path::new(p)).canonicalize().ok())
            .collect();
        let import_options = ResolveOptions {
            cwd: Some(options.cwd.clone()),
            tsconfig: Some(TsconfigDiscovery::Auto),
            extensions: strings(&[
                ".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json",
            ]),
            // TypeScript sources import each other by their output names.
            extension_alias: vec![
                (".js".into(), strings(&[".js", ".ts", ".tsx", ".jsx"])),
                (".mjs".into(), strings(&[".mjs", ".mts"])),
                (".cjs".into(), strings(&[".cjs", ".cts"])),
            ],
            condition_names: conditions("import"),
            main_fields: strings(main_fields),
            alias_fields: if options.platform == Platform::Browser {
                vec![vec!["browser".into()]]
            } else {
                vec![]
            },
            // In a browser build a built-in may be remapped by a package's
            // `browser` field (`"fs": false`), so it is only an error once
            // resolution fails.
            builtin_modules: options.platform != Platform::Browser,
            module_type: true,
            // Symlinked packages (pnpm) are one module, by real path.
            symlinks: true,
            ..ResolveOptions::default()
        };
        // `require` adds the extensions Node adds (and TypeScript's), never
        // `.mjs` or `.cjs`.
        let require_options = ResolveOptions {
            extensions: strings(&[".js", ".json", ".jsx", ".ts", ".tsx"]),
            condition_names: conditions("require"),
            main_fields: strings(
                &main_fields
                    .iter()
                    .copied()
                    .filter(|f| *f != "module")
                    .collect::<Vec<_>>(),
            ),
            ..import_options.clone()
        };
        let import = Resolver::new_with_file_system(ListedFs::new(), import_options);
        let require = import.clone_with_options(require_options);
        ModuleResolver {
            import,
            require,
            platform: options.platform,
            external: options
                .external
                .iter()
                .filter(|p| !is_path_pattern(p))
                .cloned()
                .collect(),
            external_paths,
        }
    }

    /// Resolves `specifier` as `kind` imports it from the file `importer`.
    pub fn resolve(&self, importer: &Path, specifier: &str, kind: ImportKind) -> Resolved {
        if self.is_external(specifier) {
            return Resolved::External;
        }
        let resolver = match kind {
            ImportKind::Require => &self.require,
            _ => &self.import,
        };
        match resolver.resolve_file(importer, specifier) {
            Ok(resolution) => {
                let facts = facts_of(&resolution);
                let path = resolution.into_path_buf();
                if self.is_external_path(&path) {
                    return Resolved::External;
                }
                Resolved::Path(path, facts)
            }
            Err(ResolveError::Ignored(path)) => Resolved::Empty(path),
            Err(ResolveError::Builtin { resolved, .. }) => {
                if self.platform == Platform::Node {
                    Resolved::External
                } else {
                    Unresolved::failed(
                        format!("\"{specifier}\" is a Node built-in module"),
                        Some(format!(
                            "use --platform node to bundle for Node, or --external {} to leave it as an import",
                            resolved.trim_start_matches("node:")
                        )),
                    )
                }
            }
            Err(ResolveError::NotFound(_)) if is_builtin(specifier) => Unresolved::failed(
                format!("\"{specifier}\" is a Node built-in module"),
                Some(format!(
                    "use --platform node to bundle for Node, or --external {} to leave it as an import",
                    specifier.trim_start_matches("node:")
                )),
            ),
            Err(ResolveError::NotFound(_)) => Unresolved::failed(String::new(), hint_for(specifier)),
            Err(e) => Resolved::Failed(Unresolved {
                reason: e.to_string(),
                hint: None,
                config: config_problem(&e, importer).map(Box::new),
            }),
        }
    }

    /// The facts of an entry point, found by resolving it from its folder.
    pub fn entry_facts(&self, path: &Path) -> FileFacts {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let dir = path.parent().unwrap_or(Path::new("/"));
        match name.and_then(|n| self.import.resolve(dir, &format!("./{n}")).ok()) {
            Some(resolution) => facts_of(&resolution),
            None => FileFacts {
                module_type: None,
                side_effects: true,
            },
        }
    }

    /// `--external` patterns: a package name matches the package and its
    /// subpaths (`react` matches `react/jsx-runtime`, as in esbuild),
    /// `pkg/*` its subpaths only, both as bare specifiers; patterns starting
    /// with `.` or `/` are paths, matched against the resolved file.
    fn is_external(&self, specifier: &str) -> bool {
        let below = |prefix: &str| {
            specifier
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
        };
        self.external
            .iter()
            .any(|pattern| match pattern.strip_suffix("/*") {
                Some(prefix) => below(prefix),
                None => pattern == specifier || below(pattern),
            })
    }

    fn is_external_path(&self, path: &Path) -> bool {
        self.external_paths.iter().any(|p| p == path)
    }

    /// JSX settings from the `tsconfig.json` that governs `path`.
    pub fn jsx_settings(&self, path: &Path) -> JsxSettings {
        let Ok(Some(tsconfig)) = self.import.find_tsconfig(path) else {
            return JsxSettings::default();
        };
        let options = &tsconfig.compiler_options;
        JsxSettings {
            classic: options.jsx.as_deref() == Some("react"),
            factory: options.jsx_factory.clone(),
            fragment: options.jsx_fragment_factory.clone(),
            import_source: options.jsx_import_source.clone(),
        }
    }
}

/// The problem in a `package.json` or `tsconfig.json` that `error` is
/// about, located in that file; `None` for other errors.
fn config_problem(error: &ResolveError, importer: &Path) -> Option<Diagnostic> {
    match error {
        ResolveError::Json(json) => {
            let text = std::fs::read_to_string(&json.path).unwrap_or_default();
            // serde_json ends its messages with where; the location says it.
            let message = json
                .message
                .split(" at line ")
                .next()
                .unwrap_or(&json.message);
            let at = offset_of(&text, json.line, json.column.saturating_sub(1));
            Some(
                Diagnostic::error(format!(
                    "{} is not valid JSON: {message}",
                    file_name(&json.path)
                ))
                .at(Location::from_offsets(&json.path, &text, at, at + 1)),
            )
        }
        ResolveError::TsconfigLoadFailed { source, .. } => config_problem(source, importer),
        ResolveError::TsconfigNotFound(missing) => {
            let name = missing.file_name()?.to_string_lossy();
            let stem = name.strip_suffix(".json").unwrap_or(&name);
            let (tsconfig, text, at) = importer.ancestors().skip(1).find_map(|dir| {
                let tsconfig = dir.join("tsconfig.json");
                let text = std::fs::read_to_string(&tsconfig).ok()?;
                let at = extends_value(&text).filter(|&at| text[at..].contains(stem))?;
                Some((tsconfig, text, at))
            })?;
            Some(
                Diagnostic::error(format!(
                    "{} extends {}, which does not exist",
                    file_name(&tsconfig),
                    missing.display()
                ))
                .at(Location::from_offsets(&tsconfig, &text, at, at + 1)),
            )
        }
        ResolveError::TsconfigCircularExtend(cycle) => {
            let tsconfig = cycle.paths().first()?;
            let text = std::fs::read_to_string(tsconfig).unwrap_or_default();
            let at = extends_value(&text).unwrap_or(0);
            Some(
                Diagnostic::error(format!("{} extends itself: {cycle}", file_name(tsconfig)))
                    .at(Location::from_offsets(tsconfig, &text, at, at + 1)),
            )
        }
        ResolveError::TsconfigSelfReference(tsconfig) => {
            let text = std::fs::read_to_string(tsconfig).unwrap_or_default();
            let at = text.find("\"references\"").unwrap_or(0);
            Some(
                Diagnostic::error(format!("{} references itself", file_name(tsconfig)))
                    .at(Location::from_offsets(tsconfig, &text, at, at + 1)),
            )
        }
        _ => None,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The byte offset of 1-based `line` and 0-based character `column` in
/// `text`, at most its end.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    text[line_start..]
        .char_indices()
        .nth(column)
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// Where the value of a tsconfig's `"extends"` starts.
fn extends_value(text: &str) -> Option<usize> {
    let key = text.find("\"extends\"")?;
    let after = key + "\"extends\"".len();
    let value = text[after..].find(|c: char| c != ':' && !c.is_whitespace())?;
    Some(after + value)
}

fn is_builtin(specifier: &str) -> bool {
    specifier.starts_with("node:")
        || nodejs_built_in_modules::BUILTINS
            .binary_search(&specifier)
            .is_ok()
}

fn is_path_pattern(pattern: &str) -> bool {
    pattern.starts_with('.') || pattern.starts_with('/')
}

fn facts_of(resolution: &Resolution) -> FileFacts {
    let side_effects = match resolution.package_json() {
        Some(package) => match package.side_effects() {
            None | Some(SideEffects::Bool(true)) => true,
            Some(SideEffects::Bool(false)) => false,
            Some(SideEffects::String(glob)) => {
                matches_side_effects(package.directory(), resolution.path(), &[glob])
            }
            Some(SideEffects::Array(globs)) => {
                matches_side_effects(package.directory(), resolution.path(), &globs)
            }
        },
        None => true,
    };
    FileFacts {
        module_type: resolution.module_type(),
        side_effects,
    }
}

/// Whether `file` is one of the package's files with side effects. As
/// bundlers read the field, a pattern without a `/` matches a file name in
/// any folder.
fn matches_side_effects(package_dir: &Path, file: &Path, globs: &[&str]) -> bool {
    let Ok(relative) = file.strip_prefix(package_dir) else {
        return true;
    };
    let relative = relative.to_string_lossy().replace('\\', "/");
    globs.iter().any(|glob| {
        let glob = glob.trim_start_matches("./");
        if glob.contains('/') {
            glob_matches(glob.as_bytes(), relative.as_bytes())
        } else {
            relative
                .rsplit('/')
                .next()
                .is_some_and(|name| glob_matches(glob.as_bytes(), name.as_bytes()))
        }
    })
}

/// `*` matches within a path segment, `**` across segments, `?` one byte.
fn glob_matches(glob: &[u8], text: &[u8]) -> bool {
    match glob {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => {
            let rest = rest.strip_prefix(b"/").unwrap_or(rest);
            (0..=text.len())
                .any(|i| (i == 0 || text[i - 1] == b'/') && glob_matches(rest, &text[i..]))
                || glob_matches(rest, text)
        }
        [b'*', rest @ ..] => (0..=text.len())
            .take_while(|&i| i == 0 || text[i - 1] != b'/')
            .any(|i| glob_matches(rest, &text[i..])),
        [b'?', rest @ ..] => !text.is_empty() && text[0] != b'/' && glob_matches(rest, &text[1..]),
        [c, rest @ ..] => text.first() == Some(c) && glob_matches(rest, &text[1..]),
    }
}

fn hint_for(specifier: &str) -> Option<String> {
    if specifier.starts_with('.') || specifier.starts_with('/') {
        Some(
            "check the path; relative imports are resolved from the importing file's folder".into(),
        )
    } else {
        Some(format!(
            "is the package installed? run `npm install {}`, or mark it --external",
            package_name(specifier)
        ))
    }
}

fn package_name(specifier: &str) -> &str {
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next().unwrap_or(specifier);
    if first.starts_with('@') {
        match parts.next() {
            Some(second) => &specifier[..first.len() + 1 + second.len()],
            None => specifier,
        }
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_effects_globs_match_as_bundlers_read_them() {
        let package = Path::new("/p");
        let has = |file: &str, globs: &[&str]| {
            matches_side_effects(package, &Path::new("/p").join(file), globs)
        };
        // No `/`: a file name in any folder.
        assert!(has("src/deep/style.css", &["*.css"]));
        assert!(!has("src/index.js", &["*.css"]));
        // With a `/`: relative to the package.
        assert!(has("src/polyfill.js", &["./src/polyfill.js"]));
        assert!(!has("lib/polyfill.js", &["./src/polyfill.js"]));
        assert!(has("src/a/b/register.js", &["src/**/register.js"]));
        assert!(has("src/register.js", &["src/**/register.js"]));
        assert!(!has("src/a/b.js", &["src/*.js"]));
        assert!(has("src/b.js", &["src/?.js"]));
        // Outside the package: assume side effects.
        assert!(matches_side_effects(
            package,
            Path::new("/q/x.js"),
            &["*.css"]
        ));
    }
}
