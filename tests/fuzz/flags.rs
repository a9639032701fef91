//! Random flag sets for `weft bundle`, each flag in its `--name=value`
//! spelling so a flag set is one argument a line in a fixture's `flags`
//! file.

use crate::rng::Rng;

/// The arguments after `<entry> -o out/bundle.js`.
pub fn random_flags(rng: &mut Rng) -> Vec<String> {
    let mut flags = Vec::new();
    let format = *rng.pick(&["esm", "cjs", "iife"]);
    flags.push(format!("--format={format}"));
    if format == "iife" && rng.one_in(2) {
        let name = rng.pick(&["X", "App", "a.b.c"]);
        flags.push(format!("--global-name={name}"));
    }
    add_minify(rng, &mut flags);
    let options: &[(usize, &[&str])] = &[
        (
            4,
            &[
                "--sourcemap",
                "--sourcemap=inline",
                "--sourcemap=external",
                "--sourcemap=linked",
            ],
        ),
        (10, &["--sources-content=false"]),
        (6, &["--tree-shaking=false"]),
        (6, &["--no-prescan"]),
        (3, &["--threads=1", "--threads=2", "--threads=4"]),
        (
            3,
            &[
                "--platform=node",
                "--platform=browser",
                "--platform=neutral",
            ],
        ),
        (
            4,
            &["--target=es2020", "--target=es2022", "--target=esnext"],
        ),
        (5, &["--metafile=out/meta.json"]),
        (
            4,
            &[
                "--legal-comments=none",
                "--legal-comments=inline",
                "--legal-comments=eof",
                "--legal-comments=external",
            ],
        ),
        (10, &["--banner=/* banner */", "--footer=// footer"]),
    ];
    for (one_in, choices) in options {
        if rng.one_in(*one_in) {
            flags.push(rng.pick(choices).to_string());
        }
    }
    flags
}

fn add_minify(rng: &mut Rng, flags: &mut Vec<String>) {
    if rng.one_in(4) {
        flags.push("--minify".to_string());
    } else {
        for part in [
            "--minify-syntax",
            "--minify-identifiers",
            "--minify-whitespace",
        ] {
            if rng.one_in(5) {
                flags.push(part.to_string());
            }
        }
    }
    if rng.one_in(6) {
        flags.push("--keep-names".to_string());
    }
}

/// The output format a flag set asks for.
pub fn format(flags: &[String]) -> &str {
    flags
        .iter()
        .rev()
        .find_map(|flag| flag.strip_prefix("--format="))
        .unwrap_or("esm")
}
