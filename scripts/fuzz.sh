#!/usr/bin/env bash
# Fuzzes the checklist parser, front matter splitting, the link resolver and URL slugging
# with cargo-fuzz (libFuzzer; needs a nightly toolchain), two targets at a time, then
# minimizes each corpus under fuzz/corpus/ (the repository keeps it: the test suite replays
# it on stable) and checks that no corpus input is slower than linear in its size.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 600)
# A crash stops with its input under fuzz/artifacts/<target>/: add it to
# tests/testsuite/fixtures/fuzz/ with a test, fix the bug, run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-600}
if ! rustup toolchain list | grep -q nightly; then
  echo "error: fuzzing needs a nightly toolchain (rustup toolchain install nightly)" >&2
  exit 2
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cd fuzz
cargo +nightly fuzz build
run() {
  cargo +nightly fuzz run "$1" "corpus/$1" -- -max_total_time="$SECONDS_PER_TARGET" \
    -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 2>&1 | tail -n 12
}
run checklist & run front_matter & wait
run links & run slug & wait
for t in checklist front_matter links slug; do
  mkdir -p "corpus-min/$t"
  cargo +nightly fuzz cmin "$t" "corpus/$t" -- "corpus-min/$t" >/dev/null 2>&1 || true
  if [ -n "$(ls -A "corpus-min/$t" 2>/dev/null)" ]; then
    rm -rf "corpus/$t" && mv "corpus-min/$t" "corpus/$t"
  fi
done
rm -rf corpus-min
cd ..
cargo test --release --test testsuite fuzz_corpus -- --include-ignored --nocapture
