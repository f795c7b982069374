#!/usr/bin/env bash
# Times a clean `opsbook build` of a synthetic book (../shared/tools/gen_corpus.py) and, when
# `hugo` is on PATH, a clean Hugo build of the same content, in the same run, so the ratio
# means something on a noisy machine.
#
# Usage: scripts/bench.sh [PAGES] [RUNS]      (defaults: 1000 pages, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-1000}
RUNS=${2:-5}
GEN=${GEN:-../shared/tools/gen_corpus.py}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
OPSBOOK=$PWD/target/release/opsbook
layouts=neutral
command -v hugo >/dev/null && layouts=neutral,hugo
python3 "$GEN" "$PAGES" "$WORK/corpus" --layouts "$layouts" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() { # label, command...
  local label=$1; shift
  "$@" >/dev/null 2>&1 # warm-up (file cache)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -n 1
  done | median | awk -v l="$label" '{printf "%-8s %6.3f s (median of '"$RUNS"')\n", l, $1}'
}

echo "# $PAGES runbook pages, $(nproc) cores"
ops=$(time_runs opsbook sh -c "rm -rf '$WORK/out-ops' && exec '$OPSBOOK' build '$WORK/corpus/neutral' -o '$WORK/out-ops'")
echo "$ops"
if command -v hugo >/dev/null; then
  hug=$(time_runs hugo sh -c "rm -rf '$WORK/out-hugo' && exec hugo --quiet -s '$WORK/corpus/hugo' -d '$WORK/out-hugo'")
  echo "$hug"
  awk -v a="$(echo "$ops" | awk '{print $2}')" -v b="$(echo "$hug" | awk '{print $2}')" 'BEGIN {printf "opsbook/hugo: %.2f\n", a/b}'
fi
