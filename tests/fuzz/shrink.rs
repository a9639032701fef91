//! Minimising a finding, cheaply: drop flags one at a time, then files
//! other than the entry, then runs of lines of each source file, halving
//! the run's length (ddmin's idea, one pass per length), then files again
//! (those the dropped lines imported). A smaller case is
//! kept when it gives the same signature. Bounded by a number of runs and a
//! deadline, so a finding costs seconds, not the fuzzing run.

use std::path::PathBuf;
use std::time::Instant;

use crate::oracle;
use crate::program::Case;

pub struct Shrinker {
    signature: String,
    runs_left: usize,
    deadline: Instant,
    /// How many builds shrinking ran, for the run count.
    pub runs: usize,
}

impl Shrinker {
    pub fn new(signature: String, max_runs: usize, deadline: Instant) -> Shrinker {
        Shrinker {
            signature,
            runs_left: max_runs,
            deadline,
            runs: 0,
        }
    }

    pub fn shrink(&mut self, case: &Case) -> Case {
        let mut best = case.clone();
        self.drop_flags(&mut best);
        self.drop_files(&mut best);
        let mut sources = best.program.sources();
        sources.sort_by_key(|path| *path != best.program.entry);
        for path in sources {
            self.drop_lines(&mut best, &path);
        }
        self.drop_files(&mut best);
        best
    }

    fn exhausted(&self) -> bool {
        self.runs_left == 0 || Instant::now() > self.deadline
    }

    /// Whether the candidate still gives the finding, while the budget lasts.
    fn keeps(&mut self, candidate: &Case) -> bool {
        if self.exhausted() {
            return false;
        }
        self.runs_left -= 1;
        self.runs += 1;
        oracle::judge(candidate).is_some_and(|finding| finding.signature() == self.signature)
    }

    fn drop_flags(&mut self, best: &mut Case) {
        let mut i = 0;
        while i < best.flags.len() {
            let mut candidate = best.clone();
            candidate.flags.remove(i);
            if self.keeps(&candidate) {
                *best = candidate;
            } else {
                i += 1;
            }
        }
    }

    fn drop_files(&mut self, best: &mut Case) {
        let entry = best.program.entry.clone();
        let paths: Vec<PathBuf> = best.program.files.keys().cloned().collect();
        for path in paths.into_iter().filter(|path| *path != entry) {
            let mut candidate = best.clone();
            candidate.program.files.remove(&path);
            if self.keeps(&candidate) {
                *best = candidate;
            }
        }
    }

    fn drop_lines(&mut self, best: &mut Case, path: &PathBuf) {
        let Some(text) = best.program.files.get(path) else {
            return;
        };
        let mut lines: Vec<Vec<u8>> = text
            .split_inclusive(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        let mut chunk = (lines.len() / 2).max(1);
        loop {
            let mut i = 0;
            while i < lines.len() {
                let end = (i + chunk).min(lines.len());
                let mut candidate = best.clone();
                let kept = [&lines[..i], &lines[end..]].concat();
                candidate.program.files.insert(path.clone(), kept.concat());
                if self.keeps(&candidate) {
                    *best = candidate;
                    lines = kept;
                } else {
                    i = end;
                }
            }
            if chunk == 1 || self.exhausted() {
                return;
            }
            chunk /= 2;
        }
    }
}
