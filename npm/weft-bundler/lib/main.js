'use strict';
// The JavaScript API. `build` runs `weft api`, writes the options to its
// stdin as one JSON object and reads one JSON result from its stdout; the
// protocol is described in weft's README ("The JSON protocol").

const { spawn } = require('child_process');

const { binaryPath } = require('./binary.js');
const { version } = require('../package.json');

/**
 * Bundles as the options say. Resolves with the result when the build has
 * no errors; rejects with an Error whose message lists them (`file:line:col:
 * error: text`) and whose `errors` property holds them as objects.
 */
function build(options) {
  return new Promise((resolve, reject) => {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError('build() takes an object of options');
    }
    // Relative paths are the caller's: they resolve against its working
    // directory unless absWorkingDir says otherwise.
    const request = { absWorkingDir: process.cwd(), ...options };
    const binary = binaryPath();
    const child = spawn(binary, ['api'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      windowsHide: true,
    });
    const stdout = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.on('error', (error) => reject(new Error(`weft: could not run ${binary}: ${error.message}`)));
    child.on('close', (code, signal) => {
      let response;
      try {
        response = JSON.parse(Buffer.concat(stdout).toString('utf8'));
      } catch {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new Error(`weft: ${binary} api ${how} without printing a result`));
        return;
      }
      const result = toResult(response, request);
      if (result.errors.length > 0) {
        reject(buildFailure(result));
      } else {
        resolve(result);
      }
    });
    // The binary may exit before reading everything (it never does on a
    // well-formed request); its result then says why, so EPIPE is not news.
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(request));
  });
}

/** The protocol's response as esbuild shapes a BuildResult. */
function toResult(response, request) {
  const result = { errors: response.errors, warnings: response.warnings };
  if (request.write === false) {
    const encoder = new TextEncoder();
    result.outputFiles = response.outputFiles.map(({ path, text }) => ({
      path,
      contents: encoder.encode(text),
      text,
    }));
  }
  if (request.metafile) {
    result.metafile = JSON.parse(response.metafile);
  }
  return result;
}

function buildFailure(result) {
  const n = result.errors.length;
  const lines = result.errors.map((message) => formatMessage(message, 'error'));
  const error = new Error(`Build failed with ${n} error${n === 1 ? '' : 's'}:\n${lines.join('\n')}`);
  error.errors = result.errors;
  error.warnings = result.warnings;
  return error;
}

/** `src/main.ts:3:19: error: could not resolve "./missing.js"`. */
function formatMessage(message, kind) {
  const where = message.location
    ? `${message.location.file}:${message.location.line}:${message.location.column}: `
    : '';
  return `${where}${kind}: ${message.text}`;
}

module.exports = { build, version };
