//! The build's stages, one at a time, on three.js's sources (one copy,
//! entry `src/Three.js`), with `--threads 2` as this machine has two cores:
//!
//! * `discover`: pre-scan and resolve, no parse (what `weft graph` does);
//! * `load`: discover, parse, the TypeScript/JSX transforms and analysis;
//! * `link`: bind imports to exports, tree shaking, renaming;
//! * `emit`: rewrite and print every module, assemble the chunk (nothing
//!   is written).
//!
//! Run with `cargo bench --bench stages`; needs `npm ci --prefix fixtures/three`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use swc_common::Globals;
use weft::graph::ModuleGraph;
use weft::load::ModuleResolver;
use weft::{BuildOptions, Format};

// The allocator the `weft` binary builds with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/three/node_modules/three");
    let entry = root.join("src/Three.js");
    if !entry.is_file() {
        println!(
            "{} not found: run `npm ci --prefix fixtures/three` to benchmark the stages",
            entry.display()
        );
        return;
    }
    let output = std::env::temp_dir().join("weft-stages-bench.js");
    let mut options = BuildOptions::new(&entry, &output);
    options.format = Format::Esm;
    options.threads = Some(2);
    let globals = Globals::new();

    // A resolver of its own for each load: each starts with cold caches, as
    // a build does.
    let resolver = || Arc::new(ModuleResolver::new(&options));
    let loaded = weft::load::load(&options, &globals, &resolver()).expect("three.js loads");
    let bytes: u64 = loaded.modules.iter().map(|m| m.file.src.len() as u64).sum();
    let mut graph = ModuleGraph::new(loaded.modules, loaded.entries);
    let asts: Vec<_> = graph
        .modules
        .iter_mut()
        .map(|m| std::mem::take(&mut m.ast))
        .collect();
    let link = weft::link::link(&graph, &options).expect("three.js links");

    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(bytes));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("discover", |b| {
        b.iter(|| weft::dependency_graph(&options).expect("three.js resolves"))
    });
    group.bench_function("load", |b| {
        b.iter(|| weft::load::load(&options, &globals, &resolver()).expect("three.js loads"))
    });
    group.bench_function("link", |b| {
        b.iter(|| weft::link::link(&graph, &options).expect("three.js links"))
    });
    group.bench_function("emit", |b| {
        b.iter_batched(
            || asts.clone(),
            |asts| weft::emit::emit(&graph, asts, &link, &options, &globals, &output),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
