'use strict';
// Finds the weft binary: WEFT_BINARY when set, else the one in the optional
// package of this platform, which npm installed next to weft-bundler
// because its `os`, `cpu` and `libc` fields match this machine.

const fs = require('fs');
const path = require('path');

const { version } = require('../package.json');

/**
 * The platforms weft is published for: the key this module computes for
 * the running Node, the package that carries the binary, and the binary's
 * path inside it. `npm/<key>/` in weft's repository is each package.
 */
const PLATFORMS = {
  'darwin-arm64': { pkg: '@weft-bundler/darwin-arm64', bin: 'bin/weft' },
  'darwin-x64': { pkg: '@weft-bundler/darwin-x64', bin: 'bin/weft' },
  'linux-arm64-gnu': { pkg: '@weft-bundler/linux-arm64-gnu', bin: 'bin/weft' },
  'linux-x64-gnu': { pkg: '@weft-bundler/linux-x64-gnu', bin: 'bin/weft' },
  'linux-x64-musl': { pkg: '@weft-bundler/linux-x64-musl', bin: 'bin/weft' },
  'win32-x64-msvc': { pkg: '@weft-bundler/win32-x64-msvc', bin: 'bin/weft.exe' },
};

/** `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, … for this machine. */
function platformKey() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isGlibc() ? 'gnu' : 'musl'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** Node's own report says which glibc it runs on; musl has none. */
function isGlibc() {
  const report = process.report && process.report.getReport();
  return Boolean(report && report.header && report.header.glibcVersionRuntime);
}

/** The path of the weft binary to run; throws an Error that says what to do when there is none. */
function binaryPath() {
  const override = process.env.WEFT_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      throw new Error(`WEFT_BINARY is set to ${override}, and there is no file there`);
    }
    return override;
  }
  const key = platformKey();
  const target = PLATFORMS[key];
  if (!target) {
    throw new Error(
      `weft has no prebuilt binary for this platform (${key}); ` +
        `it is published for ${Object.keys(PLATFORMS).join(', ')}.\n` +
        'Build weft from source (cargo build --release) and set WEFT_BINARY to the path of the binary.',
    );
  }
  let manifest;
  try {
    manifest = require.resolve(`${target.pkg}/package.json`);
  } catch {
    throw new Error(
      `the weft binary for this platform (${key}) is in the package ${target.pkg}, which is not installed.\n` +
        'npm installs it with weft-bundler as an optional dependency; it is missing when optional ' +
        'dependencies were left out (--omit=optional, --no-optional) or node_modules was installed on ' +
        'another platform and copied here.\n' +
        `Reinstall with optional dependencies (npm install ${target.pkg}@${version}), ` +
        'or set WEFT_BINARY to the path of a weft binary.',
    );
  }
  const installed = require(manifest).version;
  if (installed !== version) {
    throw new Error(
      `weft-bundler ${version} needs ${target.pkg} ${version}, and ${installed} is installed; ` +
        `reinstall it (npm install ${target.pkg}@${version}) or set WEFT_BINARY`,
    );
  }
  const binary = path.join(path.dirname(manifest), target.bin);
  if (!fs.existsSync(binary)) {
    throw new Error(`${target.pkg} is installed but has no ${target.bin}; reinstall it or set WEFT_BINARY`);
  }
  return binary;
}

module.exports = { PLATFORMS, platformKey, binaryPath };
