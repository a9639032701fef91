//! Pre-scan throughput on the three.js sources, per classifier.
//!
//! Run with `cargo bench --bench prescan`; needs `npm ci --prefix fixtures/three`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use weft::scan::{prescan_with, Classifier, Dialect};

// The allocator the `weft` binary builds with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every `.js` file under `dir`, recursively, sorted so runs are comparable.
fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable directory")
        .map(|e| e.expect("readable entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/three/node_modules/three/src");
    if !dir.is_dir() {
        println!(
            "{} not found: run `npm ci --prefix fixtures/three` to benchmark the pre-scan",
            dir.display()
        );
        return;
    }
    let mut paths = Vec::new();
    js_files(&dir, &mut paths);
    let sources: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("readable source"))
        .collect();
    let total: usize = sources.iter().map(Vec::len).sum();

    let mut group = c.benchmark_group("prescan/three.js");
    group.throughput(Throughput::Bytes(total as u64));
    for classifier in Classifier::available() {
        group.bench_function(format!("{classifier:?}"), |b| {
            b.iter(|| {
                for source in &sources {
                    std::hint::black_box(prescan_with(
                        std::hint::black_box(source),
                        Dialect::default(),
                        classifier,
                    ));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
