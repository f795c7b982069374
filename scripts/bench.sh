#!/usr/bin/env bash
# Builds the same synthetic runbook book (scripts/gen_corpus.py) with opsbook and, where
# they are installed, Hugo, Zola and mdBook, in the same run, and prints a table of medians,
# peak memory and each tool's time over opsbook's. Every build is a clean build into a fresh
# folder; the previous output is removed before the clock starts, for every tool alike.
# opsbook is also timed a second time with nothing changed (its highlight cache warm).
#
# Usage: scripts/bench.sh [PAGES...] [-r RUNS]     (defaults: 1000 pages, 5 runs)
#   e.g. scripts/bench.sh 1000 10000 -r 5
#   ONLY=opsbook scripts/bench.sh 10000 100000 -r 3   (opsbook alone: no other tool)
# Put TMPDIR on tmpfs (TMPDIR=/dev/shm) to time CPU rather than this machine's disk.
# It fails only when a build fails, never on a time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5
SIZES=()
while [ $# -gt 0 ]; do
  case $1 in
    -r) RUNS=$2; shift 2 ;;
    *) SIZES+=("$1"); shift ;;
  esac
done
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000)
GEN=${GEN:-scripts/gen_corpus.py}
if [ ! -f "$GEN" ]; then
  echo "error: $GEN not found; set GEN to the path of gen_corpus.py" >&2
  exit 2
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --locked --quiet
OPSBOOK=$PWD/target/release/opsbook

layouts=neutral
tools=(opsbook)
# A tool is run when installed and, if ONLY is set, named in it.
have() { command -v "$1" >/dev/null 2>&1 && { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }; }
if have hugo; then layouts+=,hugo; tools+=(hugo); else echo "# hugo skipped: not installed (apt-get install hugo) or not in ONLY" >&2; fi
if have zola; then layouts+=,zola; tools+=(zola); else echo "# zola skipped: not installed or not in ONLY" >&2; fi
if have mdbook; then layouts+=,mdbook; tools+=(mdbook); else echo "# mdbook skipped: not installed (cargo install mdbook) or not in ONLY" >&2; fi

# One timed build: prints "seconds peak_kib". $1 is the output folder, removed first
# unless KEEP_OUTPUT is set.
timed() {
  local out=$1; shift
  [ -n "${KEEP_OUTPUT:-}" ] || rm -rf "$out"
  if ! /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err"; then
    echo "error: build failed: $*" >&2
    cat "$WORK/err" >&2
    exit 1
  fi
  tail -n 1 "$WORK/time"
}

# Waits until the previous sites opsbook moved aside in $1 are removed.
wait_removed() {
  while compgen -G "$1/.out-opsbook.old-*" >/dev/null; do sleep 0.1; done
}
# Runs a build RUNS times (after one untimed warm-up that fills the file cache); prints
# "median_seconds max_peak_kib".
measure() {
  local prepare=$1; shift
  local out=$1; shift
  eval "$prepare"
  timed "$out" "$@" >/dev/null
  for _ in $(seq "$RUNS"); do
    eval "$prepare"
    timed "$out" "$@"
  done | sort -n | awk '{t[NR]=$1; if ($2>m) m=$2} END {
    med = (NR%2 ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2); printf "%.3f %d\n", med, m }'
}

printf '# %s cores, %s runs each, median wall time and peak memory\n' "$(nproc)" "$RUNS"
printf '%-8s %-24s %10s %10s %10s\n' pages tool seconds MiB "/opsbook"
for n in "${SIZES[@]}"; do
  corpus=$WORK/corpus-$n
  python3 "$GEN" "$n" "$corpus" --layouts "$layouts" >/dev/null 2>&1
  declare -A secs=() mib=()
  for tool in "${tools[@]}"; do
    out=$WORK/out-$tool
    case $tool in
      opsbook)
        r=$(measure "rm -rf '$corpus/neutral/.opsbook-cache'" "$out" "$OPSBOOK" build "$corpus/neutral" -o "$out")
        secs[opsbook]=${r% *}; mib[opsbook]=${r#* }
        # A second build with nothing changed: the output and .opsbook-cache/ are the last
        # build's, so unchanged files are carried over. Each run starts once the previous
        # site, which a build removes in the background, is gone.
        r=$(KEEP_OUTPUT=1 measure "wait_removed '$WORK'" "$out" "$OPSBOOK" build "$corpus/neutral" -o "$out")
        secs["opsbook (no change)"]=${r% *}; mib["opsbook (no change)"]=${r#* } ;;
      hugo)
        r=$(measure ":" "$out" hugo --quiet -s "$corpus/hugo" -d "$out")
        secs[hugo]=${r% *}; mib[hugo]=${r#* } ;;
      zola)
        r=$(measure ":" "$out" zola --root "$corpus/zola" build -o "$out" --force)
        secs[zola]=${r% *}; mib[zola]=${r#* } ;;
      mdbook)
        r=$(measure ":" "$out" mdbook build "$corpus/mdbook" -d "$out")
        secs[mdbook]=${r% *}; mib[mdbook]=${r#* } ;;
    esac
  done
  base=${secs[opsbook]}
  for tool in opsbook "opsbook (no change)" hugo zola mdbook; do
    [ -n "${secs[$tool]:-}" ] || continue
    awk -v n="$n" -v t="$tool" -v s="${secs[$tool]}" -v m="${mib[$tool]}" -v b="$base" \
      'BEGIN { printf "%-8s %-24s %10.3f %10.0f %10.2f\n", n, t, s, m/1024, s/b }'
  done
  unset secs mib
done
