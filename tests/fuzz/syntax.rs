//! A long-lived node process per thread that parses files as `node --check`
//! does (a module for `.mjs`, the CommonJS function wrapper otherwise), so
//! checking an output costs a message instead of starting node. It only
//! screens: what it rejects, or cannot judge, the oracle hands to
//! `node --check` itself, whose verdict is the finding.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

/// Reads `mjs|cjs <path>` lines; answers `ok` or `error <message>` a line.
const CHECKER: &str = r#"
const vm = require('vm');
const fs = require('fs');
const params = ['exports', 'require', 'module', '__filename', '__dirname'];
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const space = line.indexOf(' ');
  const kind = line.slice(0, space);
  const file = line.slice(space + 1);
  let verdict = 'ok';
  try {
    const code = fs.readFileSync(file, 'utf8');
    if (kind === 'mjs') new vm.SourceTextModule(code, { identifier: file });
    else vm.compileFunction(code, params, { filename: file });
  } catch (error) {
    verdict = 'error ' + String(error).split('\n')[0];
  }
  process.stdout.write(verdict + '\n');
});
"#;

struct Checker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
}

thread_local! {
    static CHECKER_PROCESS: RefCell<Option<Checker>> = const { RefCell::new(None) };
}

/// Whether node surely accepts the file; false when it rejects it or the
/// checker could not say within `limit`.
pub fn surely_accepted(path: &Path, module: bool, limit: Duration) -> bool {
    CHECKER_PROCESS.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            *slot = Checker::start();
        }
        let answer = slot
            .as_mut()
            .and_then(|checker| checker.ask(path, module, limit));
        if answer.is_none() {
            // A checker that failed or took too long is replaced.
            *slot = None;
        }
        answer == Some(true)
    })
}

impl Checker {
    fn start() -> Option<Checker> {
        let mut child = Command::new("node")
            .args(["--experimental-vm-modules", "--no-warnings", "-e", CHECKER])
            .env_remove("NODE_OPTIONS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take()?;
        let stdout = child.stdout.take()?;
        let (send, answers) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Some(Checker {
            child,
            stdin,
            answers,
        })
    }

    fn ask(&mut self, path: &Path, module: bool, limit: Duration) -> Option<bool> {
        let kind = if module { "mjs" } else { "cjs" };
        let path = path.to_str()?;
        if path.contains('\n') {
            return None;
        }
        writeln!(self.stdin, "{kind} {path}").ok()?;
        self.stdin.flush().ok()?;
        let answer = self.answers.recv_timeout(limit).ok()?;
        Some(answer == "ok")
    }
}

impl Drop for Checker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
