//! The `weft` command: a thin layer that turns arguments into
//! `BuildOptions`, calls `weft::build`, and shows the result.

mod api;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use weft::options::Named;
use weft::{
    BuildOptions, Format, LegalComments, LogLevel, OutputFile, OutputTarget, Platform, SourceMaps,
    Target,
};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "weft",
    version,
    about = "A parallel JavaScript/TypeScript bundler whose output runs exactly like the unbundled program.",
    after_help = "Example:\n  weft bundle src/main.ts -o dist/app.js"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bundle entry points and everything they import into one file each.
    #[command(after_help = "Examples:\n  \
        weft bundle src/main.ts -o dist/app.js\n  \
        weft bundle src/main.ts --format iife --global-name App -o dist/app.js\n  \
        weft bundle src/a.ts src/b.ts --outdir dist --platform node")]
    Bundle(BundleArgs),
    /// Show the module graph of entry points, found by pre-scanning and resolving only (no parse).
    #[command(after_help = "Examples:\n  \
        weft graph src/main.ts\n  \
        weft graph src/main.ts --format dot | dot -Tsvg > graph.svg\n  \
        weft graph src/main.ts --cycles")]
    Graph(GraphArgs),
    /// Run one build described by a JSON object on stdin and print the result as JSON on stdout (the protocol of the JavaScript API; see the README).
    #[command(after_help = "Example:\n  \
        echo '{\"entryPoints\": [\"src/main.ts\"], \"outfile\": \"dist/app.js\"}' | weft api")]
    Api,
}

/// How specifiers resolve: shared by `bundle` and `graph`.
#[derive(Args)]
struct ResolveArgs {
    /// The platform the bundle runs on; node makes built-ins such as fs external. Example: --platform node
    #[arg(long, value_parser = named::<Platform>(), default_value = "browser")]
    platform: Platform,

    /// Leave imports of this specifier in the output instead of bundling it: a package name (with its subpaths), `pkg/*` for its subpaths only, or a ./path. Repeatable. Example: --external react
    #[arg(long, value_name = "SPEC")]
    external: Vec<String>,

    /// An extra package.json condition name for `exports`/`imports`, after the platform's. Repeatable. Example: --conditions development
    #[arg(long = "conditions", value_name = "NAME", value_delimiter = ',')]
    conditions: Vec<String>,

    /// Worker threads for loading and printing (default: available cores). Example: --threads 4
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
}

#[derive(Args)]
struct GraphArgs {
    /// Entry points. Example: src/main.ts
    #[arg(required = true, value_name = "ENTRY")]
    entries: Vec<PathBuf>,

    /// How to print the graph: text, json ({"modules": [{"path", "imports": [{"specifier", "kind", "resolved"}]}]}) or dot (Graphviz). Example: --format json
    #[arg(long, value_enum, default_value_t = GraphFormatArg::Text)]
    format: GraphFormatArg,

    /// Print only the import cycles, and exit with status 1 if there is one. Example: --cycles
    #[arg(long)]
    cycles: bool,

    #[command(flatten)]
    resolve: ResolveArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormatArg {
    Text,
    Json,
    Dot,
}

#[derive(Args)]
struct BundleArgs {
    /// Entry points, evaluated in the order given. Example: src/main.ts
    #[arg(required = true, value_name = "ENTRY")]
    entries: Vec<PathBuf>,

    /// Write the bundle to this file (one entry point only). Example: -o dist/app.js
    #[arg(
        short = 'o',
        long = "outfile",
        value_name = "FILE",
        conflicts_with = "outdir"
    )]
    outfile: Option<PathBuf>,

    /// Write one bundle per entry point into DIR, named after the entry's file stem. Example: --outdir dist
    #[arg(long, value_name = "DIR")]
    outdir: Option<PathBuf>,

    /// Output module format. Example: --format cjs
    #[arg(long, value_parser = named::<Format>(), default_value = "esm")]
    format: Format,

    /// With --format iife: the global variable that receives the entry's exports. Example: --global-name MyLib
    #[arg(long, value_name = "NAME")]
    global_name: Option<String>,

    #[command(flatten)]
    resolve: ResolveArgs,

    /// Replace a global name or dotted path with a JSON value or identifier. Repeatable. Example: --define process.env.NODE_ENV='"production"'
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_define)]
    define: Vec<(String, String)>,

    /// Text to put at the top of each output file, such as a comment. Example: --banner "/* (c) Example */"
    #[arg(long, value_name = "TEXT")]
    banner: Option<String>,

    /// Text to put at the end of each output file. Example: --footer "// end"
    #[arg(long, value_name = "TEXT")]
    footer: Option<String>,

    /// Write a JSON description of every input and output (esbuild's metafile shape) to FILE. Example: --metafile dist/meta.json
    #[arg(long, value_name = "FILE")]
    metafile: Option<PathBuf>,

    /// Minify: --minify-whitespace, --minify-syntax and --minify-identifiers together. Example: --minify
    #[arg(long)]
    minify: bool,

    /// Leave out whitespace and comments. Example: --minify-whitespace
    #[arg(long)]
    minify_whitespace: bool,

    /// Rewrite code into shorter equivalent code (`!0` for `true`, joined declarations and statements, `&&` for `if`, ...), module by module. Example: --minify-syntax
    #[arg(long)]
    minify_syntax: bool,

    /// Give bindings short names: top-level names once for the whole bundle, the most used first; local names module by module. Example: --minify-identifiers
    #[arg(long)]
    minify_identifiers: bool,

    /// With --minify-identifiers: keep the names of functions and classes, which their `name` property reports. Example: --minify --keep-names
    #[arg(long)]
    keep_names: bool,

    /// Write a source map: linked (BUNDLE.map and a sourceMappingURL comment; what --sourcemap alone means), inline (a data: URL in the bundle) or external (BUNDLE.map, no comment). Example: --sourcemap
    #[arg(long, value_parser = named::<SourceMaps>(), value_name = "KIND", num_args = 0..=1, require_equals = true, default_missing_value = "linked")]
    sourcemap: Option<SourceMaps>,

    /// Whether the source map carries the original sources (sourcesContent). Example: --sources-content=false
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    sources_content: bool,

    /// Where legal comments (/*! … */, @license, @preserve) go: none, inline (before each file's code), eof (end of the bundle) or external (BUNDLE.LEGAL.txt). Example: --legal-comments external
    #[arg(long, value_parser = named::<LegalComments>(), default_value = "eof")]
    legal_comments: LegalComments,

    /// The newest JavaScript the output may use in what weft writes (its helpers and minified forms): es2020, es2022 or esnext. Example: --target es2020
    #[arg(long, value_parser = named::<Target>(), default_value = "esnext")]
    target: Target,

    /// Keep only the modules and top-level statements the program can observe (on by default). Example: --tree-shaking=false
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    tree_shaking: bool,

    /// Discover imports by parsing alone, without the structural pre-scan (slower; for comparison). Example: --no-prescan
    #[arg(long)]
    no_prescan: bool,

    /// Print the time of each stage (read, prescan, resolve, parse, link, emit, write) and the pre-scan's misses. Example: --timing
    #[arg(long)]
    timing: bool,

    /// What to report besides the result: silent, error, warn or info. Example: --log-level error
    #[arg(long, value_parser = named::<LogLevel>(), default_value = "info")]
    log_level: LogLevel,
}

/// Parses the value of a [`Named`] option: its names are the possible
/// values clap lists (aliases hidden) and checks.
fn named<T: Named>() -> impl TypedValueParser<Value = T> {
    let values = T::NAMES.iter().enumerate().map(|(i, &(name, value))| {
        let alias = T::NAMES[..i].iter().any(|&(_, earlier)| earlier == value);
        clap::builder::PossibleValue::new(name).hide(alias)
    });
    clap::builder::PossibleValuesParser::new(values)
        .map(|name: String| T::from_name(&name).expect("clap accepts only listed names"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Bundle(args) => bundle(args),
        Command::Graph(args) => graph(args),
        Command::Api => api::run(),
    }
}

/// Options with the resolution flags applied and every other setting at
/// its default.
fn resolve_options(entries: Vec<PathBuf>, output: OutputTarget, args: ResolveArgs) -> BuildOptions {
    // `new` takes the working directory as `cwd`.
    let mut options = BuildOptions::new(PathBuf::new(), PathBuf::new());
    options.entries = entries;
    options.output = output;
    options.platform = args.platform;
    options.external = args.external;
    options.conditions = args.conditions;
    options.threads = args.threads.map(|n| n as usize);
    options
}

fn graph(args: GraphArgs) -> ExitCode {
    // Nothing is written: the output target is never used.
    let options = resolve_options(
        args.entries,
        OutputTarget::Dir(PathBuf::from(".")),
        args.resolve,
    );
    let graph = match weft::dependency_graph(&options) {
        Ok(graph) => graph,
        Err(diagnostics) => {
            eprint!("{}", diagnostics.render(&options.cwd));
            return ExitCode::from(1);
        }
    };
    if args.cycles {
        let cycles = graph.cycles();
        if cycles.is_empty() {
            eprintln!("no import cycles among {} modules", graph.modules.len());
            return ExitCode::SUCCESS;
        }
        print_out(&graph.cycles_text(&cycles));
        eprintln!(
            "{} import cycle(s) among {} modules",
            cycles.len(),
            graph.modules.len()
        );
        return ExitCode::from(1);
    }
    let text = match args.format {
        GraphFormatArg::Text => graph.to_text(),
        GraphFormatArg::Json => graph.to_json(),
        GraphFormatArg::Dot => graph.to_dot(),
    };
    print_out(&text);
    ExitCode::SUCCESS
}

/// Writes to stdout; a reader that stops early (`| head`) is not an error.
fn print_out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn bundle(args: BundleArgs) -> ExitCode {
    let output = match (args.outfile, args.outdir) {
        (Some(file), _) => OutputTarget::File(file),
        (None, Some(dir)) => OutputTarget::Dir(dir),
        (None, None) => {
            eprintln!("error: no output given\n  = hint: add -o FILE (or --outdir DIR)");
            return ExitCode::from(2);
        }
    };
    let mut options = resolve_options(args.entries, output, args.resolve);
    options.format = args.format;
    options.global_name = args.global_name;
    options.define = args.define;
    options.prescan = !args.no_prescan;
    options.tree_shaking = args.tree_shaking;
    options.keep_names = args.keep_names;
    options.source_maps = args.sourcemap.unwrap_or_default();
    options.sources_content = args.sources_content;
    options.legal_comments = args.legal_comments;
    options.target = args.target;
    options.minify_whitespace = args.minify || args.minify_whitespace;
    options.minify_syntax = args.minify || args.minify_syntax;
    options.minify_identifiers = args.minify || args.minify_identifiers;
    options.banner = args.banner;
    options.footer = args.footer;
    options.metafile = args.metafile;
    options.log_level = args.log_level;
    let cwd = options.cwd.clone();
    match weft::build_before_exit(&options) {
        Ok(output) => {
            eprint!("{}", output.warnings.render_at(options.log_level, &cwd));
            if options.log_level >= LogLevel::Info {
                report_written(&output.files, &cwd);
            }
            if args.timing {
                eprint!("{}", output.timing);
            }
            // The process ends here: the output's memory goes with it.
            std::mem::forget(output);
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprint!("{}", diagnostics.render_at(options.log_level, &cwd));
            ExitCode::from(1)
        }
    }
}

/// Lists the files written and their sizes on stderr.
fn report_written(files: &[OutputFile], cwd: &Path) {
    for file in files {
        eprintln!(
            "  {}  {}",
            weft::diagnostics::display_path(&file.path, cwd),
            human_size(file.contents.len())
        );
    }
}

fn parse_define(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!("expected KEY=VALUE, got {text:?}")),
    }
}

fn human_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b}b"),
        b if b < 1024 * 1024 => format!("{:.1}kb", b as f64 / 1024.0),
        b => format!("{:.1}mb", b as f64 / (1024.0 * 1024.0)),
    }
}
