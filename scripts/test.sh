#!/usr/bin/env bash
# Runs every test of opsbook: unit tests, the integration tests that build fixture books with the
# real binary, and the browser tests that drive headless Chromium over the built example.
#
# Installs what the tests need first (a Rust toolchain must exist):
#   - Debian's chromium and chromium-driver (apt-get, as root or through sudo);
#   - axe-core from the npm registry, under target/axe (never shipped in a site).
# Set OPSBOOK_SKIP_BROWSER=1 to run without a browser (the browser tests are then not built).
# The browser tests are behind the `browser-tests` feature: a plain `cargo test` skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found; install Rust from https://rustup.rs first" >&2
  exit 2
fi

AXE_VERSION=4.14.1

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "error: installing $* needs root; run as root or install it yourself" >&2
    return 1
  fi
}

install_browser_deps() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (apt-get)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  local axe=target/axe/node_modules/axe-core
  if ! grep -qs "\"version\": \"$AXE_VERSION\"" "$axe/package.json"; then
    echo "installing axe-core $AXE_VERSION (npm) under target/axe" >&2
    mkdir -p target/axe
    npm install --silent --no-audit --no-fund --prefix target/axe "axe-core@$AXE_VERSION" >/dev/null
  fi
}

if [ "${OPSBOOK_SKIP_BROWSER:-}" = 1 ]; then
  echo "OPSBOOK_SKIP_BROWSER=1: the browser tests are skipped" >&2
  # Every target but the browser test binary.
  features=()
  cargo test --locked --lib --bins --test testsuite "$@"
else
  install_browser_deps
  features=(--features browser-tests)
  cargo test --locked --all-targets "${features[@]}" "$@"
fi
# The search relevance benchmark's figures (its test ran above; this prints them).
cargo test --locked "${features[@]}" --test testsuite relevance -- --nocapture 2>&1 | grep -A40 "^search relevance" | grep -v "^test \|^$" || true
