#!/usr/bin/env node
'use strict';
// `weft` on the command line: runs the platform's binary with the same
// arguments, standard streams and exit code.

const { spawnSync } = require('child_process');
const { constants } = require('os');

const { binaryPath } = require('../lib/binary.js');

let binary;
try {
  binary = binaryPath();
} catch (error) {
  process.stderr.write(`weft: ${error.message}\n`);
  process.exit(1);
}

const child = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
if (child.error) {
  process.stderr.write(`weft: could not run ${binary}: ${child.error.message}\n`);
  process.exit(1);
}
if (child.signal) {
  // Die of the same signal, so that the shell sees what happened to the
  // binary; the exit code is the shell's convention if Node survives it.
  process.exitCode = 128 + (constants.signals[child.signal] || 0);
  process.kill(process.pid, child.signal);
} else {
  process.exitCode = child.status;
}
