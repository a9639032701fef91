#!/usr/bin/env bash
# Packs weft for npm: the main package (weft-bundler) and this machine's
# platform package (@weft-bundler/<platform>) with the weft binary in it,
# as .tgz files in OUTDIR. `npm install OUTDIR/*.tgz` in a project then
# gives it `npx weft` and `require('weft-bundler')`, with no registry.
#
#   npm/pack.sh OUTDIR
#
# Environment:
#   WEFT_PACK_BINARY=PATH    pack this binary instead of building one with
#                            `cargo build --release` (the tests pass the one
#                            cargo built for them, to save a release build)
#   WEFT_PACK_PLATFORM=NAME  the platform package to fill, a folder of npm/
#                            (e.g. linux-arm64-gnu for a cross-compiled
#                            WEFT_PACK_BINARY), instead of this machine's
#
# The binary is copied into a staging copy of the platform package (the
# repository is not changed) and, when it is this machine's, checked to
# report the version of Cargo.toml and stripped of debug info.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: npm/pack.sh OUTDIR" >&2
  exit 2
fi
npm_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$npm_dir")"
mkdir -p "$1"
outdir="$(cd "$1" && pwd)"

# This machine's platform package, named as lib/binary.js names it.
host_platform() {
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="$(uname -m)" ;;
  esac
  case "$(uname -s)" in
    Linux)
      if ldd --version 2>&1 | grep -qi musl; then
        echo "linux-$arch-musl"
      else
        echo "linux-$arch-gnu"
      fi
      ;;
    Darwin) echo "darwin-$arch" ;;
    MINGW* | MSYS* | CYGWIN*) echo "win32-$arch-msvc" ;;
    *) echo "$(uname -s | tr '[:upper:]' '[:lower:]')-$arch" ;;
  esac
}

platform="${WEFT_PACK_PLATFORM:-$(host_platform)}"
# A binary of this machine can be run and stripped here; another's cannot.
native=false
[ "$platform" = "$(host_platform)" ] && native=true
platform_dir="$npm_dir/$platform"
if [ ! -f "$platform_dir/package.json" ]; then
  echo "pack.sh: weft has no npm package for the platform $platform (no $platform_dir/package.json)" >&2
  exit 1
fi

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
package_version() { node -p "require(process.argv[1]).version" "$1/package.json"; }
for dir in "$npm_dir/weft-bundler" "$platform_dir"; do
  if [ "$(package_version "$dir")" != "$version" ]; then
    echo "pack.sh: $dir/package.json has version $(package_version "$dir"), Cargo.toml $version" >&2
    exit 1
  fi
done

if [ -n "${WEFT_PACK_BINARY:-}" ]; then
  binary="$WEFT_PACK_BINARY"
elif ! $native; then
  echo "pack.sh: cargo builds for this machine; give the $platform binary as WEFT_PACK_BINARY" >&2
  exit 1
else
  (cd "$root" && cargo build --release --locked --bin weft)
  binary="${CARGO_TARGET_DIR:-$root/target}/release/weft"
  case "$platform" in win32-*) binary="$binary.exe" ;; esac
fi
if [ ! -f "$binary" ]; then
  echo "pack.sh: no binary at $binary" >&2
  exit 1
fi
if $native; then
  reported="$("$binary" --version)"
  if [ "$reported" != "weft $version" ]; then
    echo "pack.sh: $binary reports \"$reported\", expected \"weft $version\"" >&2
    exit 1
  fi
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$platform_dir" "$staging/$platform"
bin_name="$(node -p "require(process.argv[1]).files[0]" "$platform_dir/package.json")"
mkdir -p "$(dirname "$staging/$platform/$bin_name")"
cp "$binary" "$staging/$platform/$bin_name"
chmod 755 "$staging/$platform/$bin_name"
if $native && command -v strip >/dev/null 2>&1; then
  case "$platform" in
    linux-*) strip --strip-debug "$staging/$platform/$bin_name" ;;
    darwin-*) strip -S "$staging/$platform/$bin_name" ;;
  esac
fi

(cd "$staging/$platform" && npm pack --pack-destination "$outdir" --loglevel=error)
(cd "$npm_dir/weft-bundler" && npm pack --pack-destination "$outdir" --loglevel=error)
