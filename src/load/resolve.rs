//! Specifier resolution with `oxc_resolver`: one resolver per build, shared
//! by every worker (it is `Sync` and caches file system lookups itself).

use std::path::{Path, PathBuf};

use oxc_resolver::{ResolveError, ResolveOptions, Resolver, TsconfigDiscovery};

use crate::options::{BuildOptions, Platform};

use super::parse::JsxSettings;

/// What a specifier resolves to.
pub enum Resolved {
    Path(PathBuf),
    External,
    /// Why it could not be resolved, and what might help.
    Failed {
        reason: String,
        hint: Option<String>,
    },
}

pub struct ModuleResolver {
    resolver: Resolver,
    platform: Platform,
    external: Vec<String>,
}

impl ModuleResolver {
    pub fn new(options: &BuildOptions) -> ModuleResolver {
        let (conditions, main_fields): (&[&str], &[&str]) = match options.platform {
            Platform::Browser => (
                &["browser", "import", "module", "default"],
                &["browser", "module", "main"],
            ),
            Platform::Node => (
                &["node", "import", "module", "default"],
                &["module", "main"],
            ),
            Platform::Neutral => (&["import", "module", "default"], &["module", "main"]),
        };
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let resolver = Resolver::new(ResolveOptions {
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
            condition_names: strings(conditions),
            main_fields: strings(main_fields),
            alias_fields: if options.platform == Platform::Browser {
                vec![vec!["browser".into()]]
            } else {
                vec![]
            },
            builtin_modules: true,
            ..ResolveOptions::default()
        });
        ModuleResolver {
            resolver,
            platform: options.platform,
            external: options.external.clone(),
        }
    }

    /// Resolves `specifier` imported from a file in `dir`.
    pub fn resolve(&self, dir: &Path, specifier: &str) -> Resolved {
        if self.is_external(specifier) {
            return Resolved::External;
        }
        match self.resolver.resolve(dir, specifier) {
            Ok(resolution) => Resolved::Path(resolution.into_path_buf()),
            Err(ResolveError::Builtin { resolved, .. }) => {
                if self.platform == Platform::Node {
                    Resolved::External
                } else {
                    Resolved::Failed {
                        reason: format!("\"{specifier}\" is a Node built-in module"),
                        hint: Some(format!(
                            "use --platform node to bundle for Node, or --external {} to leave it as an import",
                            resolved.trim_start_matches("node:")
                        )),
                    }
                }
            }
            Err(ResolveError::NotFound(_)) => Resolved::Failed {
                reason: String::new(),
                hint: hint_for(specifier),
            },
            Err(e) => Resolved::Failed {
                reason: e.to_string(),
                hint: None,
            },
        }
    }

    fn is_external(&self, specifier: &str) -> bool {
        self.external
            .iter()
            .any(|pattern| match pattern.strip_suffix("/*") {
                Some(prefix) => specifier
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/')),
                None => pattern == specifier,
            })
    }

    /// JSX settings from the `tsconfig.json` that governs `path`.
    pub fn jsx_settings(&self, path: &Path) -> JsxSettings {
        let Ok(Some(tsconfig)) = self.resolver.find_tsconfig(path) else {
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
