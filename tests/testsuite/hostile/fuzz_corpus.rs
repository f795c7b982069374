//! The fuzzing corpus (`fuzz/corpus/<target>/`, kept minimized in the repository) replayed on
//! the stable toolchain with the fuzz targets' checks, so that every input the fuzzer found
//! interesting, and every crash it found, stays a regression test. `scripts/fuzz.sh` runs the
//! fuzzers themselves (nightly) and then [`corpus_scales_linearly`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use opsbook::fuzzing;

fn corpus(target: &str) -> Vec<(PathBuf, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| {
                    let bytes = std::fs::read(e.path()).ok()?;
                    Some((e.path(), String::from_utf8(bytes).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A fuzz target's name and its checks.
type Target = (&'static str, fn(&str));

const TARGETS: [Target; 4] = [
    ("checklist", fuzzing::checklist),
    ("front_matter", fuzzing::front_matter),
    ("links", fuzzing::links),
    ("slug", fuzzing::slug),
];

#[test]
fn every_corpus_input_passes_the_fuzz_checks() {
    let mut seen = 0;
    for (target, check) in TARGETS {
        for (path, text) in corpus(target) {
            let result = std::panic::catch_unwind(|| check(&text));
            assert!(result.is_ok(), "{} fails the {target} checks", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 20, "the corpus is missing ({seen} inputs)");
}

/// No input is slower than linear: each input, and the same input ten times over, timed in
/// the same run; the larger may take at most 30 times as long (a quadratic step would take
/// about 100). Timing is noisy, so this runs from `scripts/fuzz.sh`, not in CI.
#[test]
#[ignore]
fn corpus_scales_linearly() {
    let time = |check: fn(&str), text: &str| -> Duration {
        let runs = 3;
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                check(text);
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let mut worst = (0.0, String::new());
    for (target, check) in TARGETS {
        for (path, text) in corpus(target) {
            let one = time(check, &text);
            if one < Duration::from_micros(100) {
                continue; // too short to time
            }
            let sep = if target == "links" || target == "slug" {
                ""
            } else {
                "\n"
            };
            let ten = time(check, &[text.as_str(); 10].join(sep));
            let ratio = ten.as_secs_f64() / one.as_secs_f64();
            if ratio > worst.0 {
                worst = (ratio, format!("{target}: {}", path.display()));
            }
        }
    }
    eprintln!("worst 10x/1x ratio: {:.1} ({})", worst.0, worst.1);
    assert!(
        worst.0 < 30.0,
        "slower than linear: {:.1}× for 10× the input ({})",
        worst.0,
        worst.1
    );
}
