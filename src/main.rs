//! The `weft` command: a thin layer that turns arguments into
//! `BuildOptions`, calls `weft::build`, and shows the result.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use weft::{BuildOptions, Format, LogLevel, OutputTarget, Platform};

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
    #[arg(long, value_enum, default_value_t = FormatArg::Esm)]
    format: FormatArg,

    /// With --format iife: the global variable that receives the entry's exports. Example: --global-name MyLib
    #[arg(long, value_name = "NAME")]
    global_name: Option<String>,

    /// The platform the bundle runs on; node makes built-ins such as fs external. Example: --platform node
    #[arg(long, value_enum, default_value_t = PlatformArg::Browser)]
    platform: PlatformArg,

    /// Leave imports of this specifier in the output instead of bundling it: a package name, `pkg/*` for its subpaths, or a ./path. Repeatable. Example: --external react
    #[arg(long, value_name = "SPEC")]
    external: Vec<String>,

    /// An extra package.json condition name for `exports`/`imports`, after the platform's. Repeatable. Example: --conditions development
    #[arg(long = "conditions", value_name = "NAME", value_delimiter = ',')]
    conditions: Vec<String>,

    /// Replace a global name or dotted path with a JSON value or identifier. Repeatable. Example: --define process.env.NODE_ENV='"production"'
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_define)]
    define: Vec<(String, String)>,

    /// Worker threads for loading and printing (default: available cores). Example: --threads 4
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,

    /// What to report besides the result: silent, error, warn or info. Example: --log-level error
    #[arg(long, value_enum, default_value_t = LogLevelArg::Info)]
    log_level: LogLevelArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Esm,
    Cjs,
    Iife,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlatformArg {
    Browser,
    Node,
    Neutral,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogLevelArg {
    Silent,
    Error,
    Warn,
    Info,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Bundle(args) => bundle(args),
    }
}

fn bundle(args: BundleArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let output = match (args.outfile, args.outdir) {
        (Some(file), _) => OutputTarget::File(file),
        (None, Some(dir)) => OutputTarget::Dir(dir),
        (None, None) => {
            eprintln!("error: no output given\n  = hint: add -o FILE (or --outdir DIR)");
            return ExitCode::from(2);
        }
    };
    let options = BuildOptions {
        entries: args.entries,
        output,
        format: match args.format {
            FormatArg::Esm => Format::Esm,
            FormatArg::Cjs => Format::Cjs,
            FormatArg::Iife => Format::Iife,
        },
        global_name: args.global_name,
        platform: match args.platform {
            PlatformArg::Browser => Platform::Browser,
            PlatformArg::Node => Platform::Node,
            PlatformArg::Neutral => Platform::Neutral,
        },
        external: args.external,
        conditions: args.conditions,
        define: args.define,
        threads: args.threads.map(|n| n as usize),
        log_level: match args.log_level {
            LogLevelArg::Silent => LogLevel::Silent,
            LogLevelArg::Error => LogLevel::Error,
            LogLevelArg::Warn => LogLevel::Warn,
            LogLevelArg::Info => LogLevel::Info,
        },
        cwd: cwd.clone(),
        write: true,
    };
    match weft::build(&options) {
        Ok(output) => {
            if options.log_level >= LogLevel::Info {
                for file in &output.files {
                    eprintln!(
                        "  {}  {}",
                        weft::diagnostics::display_path(&file.path, &cwd),
                        human_size(file.contents.len())
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            if options.log_level >= LogLevel::Error {
                eprint!("{}", diagnostics.render(&cwd));
            }
            ExitCode::from(1)
        }
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
