// Types of weft's JavaScript API. Option names are esbuild's where they mean
// the same thing.

export type Format = 'esm' | 'cjs' | 'iife';
export type Platform = 'browser' | 'node' | 'neutral';
export type LogLevel = 'silent' | 'error' | 'warning' | 'info';

export interface BuildOptions {
  /** Entry points, evaluated in the order given. */
  entryPoints: readonly string[];
  /** Write the bundle to this file (one entry point only). */
  outfile?: string;
  /** Write one bundle per entry point into this folder, `<entry file stem>.js`. */
  outdir?: string;
  /** Output module format (default `esm`). */
  format?: Format;
  /** With `format: 'iife'`: the global (or dotted path) that receives the entry's exports. */
  globalName?: string;
  /** package.json conditions and main fields to resolve with, and whether Node built-ins are external (default `browser`). */
  platform?: Platform;
  /** Specifiers left as imports: package names (with their subpaths), `pkg/*` for subpaths only, or `./path`s. */
  external?: readonly string[];
  /** Extra package.json conditions for `exports`/`imports`. */
  conditions?: readonly string[];
  /** Global names or dotted paths replaced by a JSON value or identifier, given as a string: `{ 'process.env.NODE_ENV': '"production"' }`. */
  define?: Record<string, string>;
  /** `minifyWhitespace`, `minifySyntax` and `minifyIdentifiers` together. */
  minify?: boolean;
  minifyWhitespace?: boolean;
  minifySyntax?: boolean;
  minifyIdentifiers?: boolean;
  /** With `minifyIdentifiers`: functions and classes keep their `name`. */
  keepNames?: boolean;
  /** Keep only what the program can observe (default true). */
  treeShaking?: boolean;
  /** `true` is `'linked'`: `BUNDLE.map` and a `sourceMappingURL` comment. */
  sourcemap?: boolean | 'linked' | 'inline' | 'external';
  /** Whether source maps carry the original sources (default true). */
  sourcesContent?: boolean;
  /** Where legal comments go (default `eof`). */
  legalComments?: 'none' | 'inline' | 'eof' | 'external';
  /** The newest syntax weft itself may write (default `esnext`). */
  target?: 'es2020' | 'es2022' | 'esnext';
  /** Text at the top of each output file. */
  banner?: { js?: string };
  /** Text at the end of each output file. */
  footer?: { js?: string };
  /** Return a description of the inputs and outputs in `result.metafile` (esbuild's shape). */
  metafile?: boolean;
  /** Write the files (default true); when false they are returned in `result.outputFiles` and nothing is written. */
  write?: boolean;
  /** What the binary prints on stderr (default `warning`): `info` adds the files written. */
  logLevel?: LogLevel;
  /** The folder relative paths are taken from, and diagnostics are shown relative to (default `process.cwd()`). */
  absWorkingDir?: string;
  /** Accepted for esbuild compatibility: weft always bundles, so only `true`. */
  bundle?: true;
  /** Worker threads (default: available cores); the output is the same for every count. */
  threads?: number;
}

/** Where a message points. `line` and `column` are 1-based; the column counts characters. */
export interface Location {
  /** Relative to `absWorkingDir` when the file is below it. */
  file: string;
  line: number;
  column: number;
  /** How many characters the problem spans on the line. */
  length: number;
  lineText: string;
}

export interface Note {
  text: string;
  location: Location | null;
}

export interface Message {
  text: string;
  location: Location | null;
  notes: Note[];
  /** What might help. */
  hint: string | null;
}

export interface OutputFile {
  /** Absolute. */
  path: string;
  /** The file's bytes (UTF-8). */
  contents: Uint8Array;
  text: string;
}

export interface Metafile {
  inputs: {
    [path: string]: {
      bytes: number;
      format?: 'esm' | 'cjs';
      imports: { path: string; kind: string; original?: string; external?: boolean }[];
    };
  };
  outputs: {
    [path: string]: {
      bytes: number;
      inputs: { [path: string]: { bytesInOutput: number } };
      imports: { path: string; kind: string; external?: boolean }[];
      exports: string[];
      entryPoint?: string;
    };
  };
}

export interface BuildResult<Options extends BuildOptions = BuildOptions> {
  /** Always empty: a build with errors rejects. */
  errors: Message[];
  warnings: Message[];
  /** Only when `write: false`: every file, the bundle with its `.map` and `.LEGAL.txt`. */
  outputFiles: Options['write'] extends false ? OutputFile[] : OutputFile[] | undefined;
  /** Only when `metafile: true`. */
  metafile: Options['metafile'] extends true ? Metafile : Metafile | undefined;
}

/** The Error a failed build rejects with; its message lists every error as `file:line:col: error: text`. */
export interface BuildFailure extends Error {
  errors: Message[];
  warnings: Message[];
}

/** `Options` with every key `BuildOptions` does not have made an error, so that a misspelt option is caught. */
type OnlyBuildOptions<Options> = Options & { [Key in Exclude<keyof Options, keyof BuildOptions>]: never };

export declare function build<Options extends BuildOptions>(
  options: OnlyBuildOptions<Options>,
): Promise<BuildResult<Options>>;

/** The version of weft-bundler. */
export declare const version: string;
