//! Where a build's time goes, stage by stage, for `--timing`.
//!
//! Loading runs its stages on every worker at once, interleaved module by
//! module, so each stage has two times: *wall*, how long at least one thread
//! was in it (the union of its intervals), and *workers*, the time summed over
//! threads. A stage on one thread has the same time in both.

use std::fmt;
use std::iter::Peekable;
use std::time::{Duration, Instant};

/// A stage of the pipeline, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Read,
    Prescan,
    Resolve,
    /// Parsing, transforms and analysis.
    Parse,
    Link,
    Emit,
    Write,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Read,
        Stage::Prescan,
        Stage::Resolve,
        Stage::Parse,
        Stage::Link,
        Stage::Emit,
        Stage::Write,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Prescan => "prescan",
            Stage::Resolve => "resolve",
            Stage::Parse => "parse",
            Stage::Link => "link",
            Stage::Emit => "emit",
            Stage::Write => "write",
        }
    }
}

/// The intervals one thread spent in each stage.
#[derive(Debug, Default)]
pub struct Spans(Vec<(Stage, Instant, Instant)>);

impl Spans {
    /// Runs `f`, counting its time to `stage`.
    pub fn time<T>(&mut self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.0.push((stage, start, Instant::now()));
        value
    }
}

/// The time of one stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageTime {
    /// Time during which at least one thread was in the stage.
    pub wall: Duration,
    /// Time summed over threads.
    pub workers: Duration,
}

/// The times of a build.
#[derive(Clone, Debug, Default)]
pub struct Timing {
    /// Indexed like [`Stage::ALL`].
    pub stages: [StageTime; 7],
    /// From the start of the build to the end of writing.
    pub total: Duration,
    /// Modules bundled.
    pub modules: usize,
    /// Modules loaded because the pre-scan found an import the parser did
    /// not confirm, then dropped.
    pub speculative: usize,
    /// Imports the parser found that the pre-scan did not; `None` when the
    /// pre-scan was off.
    pub prescan_misses: Option<usize>,
}

impl Timing {
    pub fn stage(&self, stage: Stage) -> StageTime {
        self.stages[stage as usize]
    }

    /// Adds the time of a stage that ran on one thread.
    pub fn add_serial(&mut self, stage: Stage, time: Duration) {
        let entry = &mut self.stages[stage as usize];
        entry.wall += time;
        entry.workers += time;
    }

    /// Adds a stage that ran on several threads.
    pub fn add(&mut self, stage: Stage, time: StageTime) {
        let entry = &mut self.stages[stage as usize];
        entry.wall += time.wall;
        entry.workers += time.workers;
    }

    /// Adds the spans of every thread that took part in a parallel phase.
    /// A thread's spans of one stage follow one another in time, so each
    /// stage's are merged across threads as they come, without a copy.
    pub fn add_spans<'a>(&mut self, threads: impl IntoIterator<Item = &'a Spans>) {
        let threads: Vec<&Spans> = threads.into_iter().collect();
        for stage in Stage::ALL {
            let mut heads: Vec<_> = threads
                .iter()
                .map(|spans| {
                    spans
                        .0
                        .iter()
                        .filter(move |(s, _, _)| *s == stage)
                        .map(|&(_, start, end)| (start, end))
                        .peekable()
                })
                .collect();
            let mut workers = Duration::ZERO;
            let mut wall = Duration::ZERO;
            let mut current: Option<(Instant, Instant)> = None;
            while let Some((start, end)) = earliest(&mut heads) {
                workers += end - start;
                current = match current {
                    Some((s, e)) if start <= e => Some((s, e.max(end))),
                    Some((s, e)) => {
                        wall += e - s;
                        Some((start, end))
                    }
                    None => Some((start, end)),
                };
            }
            if let Some((s, e)) = current {
                wall += e - s;
            }
            self.add(stage, StageTime { wall, workers });
        }
    }

    /// Sums the timings of several builds (one per entry point).
    pub fn merge(&mut self, other: &Timing) {
        for stage in Stage::ALL {
            self.add(stage, other.stage(stage));
        }
        self.total += other.total;
        self.modules += other.modules;
        self.speculative += other.speculative;
        self.prescan_misses = match (self.prescan_misses, other.prescan_misses) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
}

/// Takes the span that starts first of those next in each thread's list.
fn earliest<I>(heads: &mut [Peekable<I>]) -> Option<(Instant, Instant)>
where
    I: Iterator<Item = (Instant, Instant)>,
{
    heads
        .iter_mut()
        .filter_map(|head| head.peek().copied().map(|(start, _)| (start, head)))
        .min_by_key(|(start, _)| *start)
        .and_then(|(_, head)| head.next())
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<10}{:>12}{:>12}", "stage", "wall", "workers")?;
        for stage in Stage::ALL {
            let time = self.stage(stage);
            writeln!(
                f,
                "{:<10}{:>12}{:>12}",
                stage.name(),
                millis(time.wall),
                millis(time.workers)
            )?;
        }
        writeln!(f, "{:<10}{:>12}", "total", millis(self.total))?;
        write!(f, "modules: {}", self.modules)?;
        if self.speculative > 0 {
            write!(
                f,
                " ({} more loaded speculatively, dropped)",
                self.speculative
            )?;
        }
        match self.prescan_misses {
            Some(misses) => writeln!(f, "\nprescan misses: {misses}"),
            None => writeln!(f, "\nprescan: off"),
        }
    }
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_time_is_the_union_of_overlapping_intervals() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        // Two threads, each with its spans of a stage in order.
        let one = Spans(vec![
            (Stage::Parse, at(0), at(3)),
            (Stage::Read, at(3), at(4)),
            (Stage::Parse, at(5), at(9)),
        ]);
        let two = Spans(vec![
            (Stage::Parse, at(2), at(4)),
            (Stage::Parse, at(9), at(10)),
        ]);
        let mut timing = Timing::default();
        timing.add_spans([&one, &two]);
        let parse = timing.stage(Stage::Parse);
        assert_eq!(parse.wall, Duration::from_millis(9));
        assert_eq!(parse.workers, Duration::from_millis(10));
        assert_eq!(timing.stage(Stage::Read).wall, Duration::from_millis(1));
    }
}
