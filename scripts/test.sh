#!/usr/bin/env bash
# Runs every test of opsbook: unit tests, and the integration tests that build fixture books
# with the real binary. Installs what the tests need first (a Rust toolchain must exist).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found; install Rust from https://rustup.rs first" >&2
  exit 2
fi
cargo test --locked --all-targets "$@"
