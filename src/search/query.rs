//! A query run against the shards exactly as the theme's `opsbook.js` runs it in the
//! browser: used by the tests and the relevance benchmark, so that what they measure is
//! what readers get. Change one, change both.
//!
//! Each query word matches, in its shard:
//! 1. its own entry (a term, or a word of the book leading to its term), at full score;
//! 2. the entries it begins, when it has three letters or more, at half the score;
//! 3. only when it matched nothing so far and has five letters or more: the entries one edit
//!    away (two from nine letters: a letter added, dropped, changed or two swapped), and the
//!    terms of four letters or more it begins with (`restoring` → `restor`), at half the
//!    score.
//!
//! A document must match every word; without such a document, any word may. Documents are
//! gathered by page (a page and its headings), a page ranked by its best document.

use std::collections::HashMap;

use super::shards::{shard_of, Entry, Shards};
use super::words::query_words;

/// One page of the results: its first document, its matching documents best first, and
/// the best one's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub page: u32,
    pub docs: Vec<u32>,
    pub score: u32,
}

/// The edits a word of `n` characters may be away from an entry and still match it.
pub fn typos_allowed(n: usize) -> usize {
    match n {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The documents and scores an entry stands for (a word's term's, for a word).
fn postings<'s>(shards: &'s Shards, entry: &'s Entry) -> &'s [u32] {
    match entry {
        Entry::Postings(list) => list,
        Entry::Alias(term) => match shards.get(&shard_of(shards, term)).and_then(|s| s.get(term)) {
            Some(Entry::Postings(list)) => list,
            _ => &[],
        },
    }
}

/// Best score per document for one query word.
fn word_scores(shards: &Shards, w: &str) -> HashMap<u32, u32> {
    let mut best: HashMap<u32, u32> = HashMap::new();
    let Some(shard) = shards.get(&shard_of(shards, w)) else {
        return best;
    };
    let add = |best: &mut HashMap<u32, u32>, entry: &Entry, half: bool| {
        for pair in postings(shards, entry).chunks_exact(2) {
            let s = if half { pair[1] / 2 } else { pair[1] };
            let e = best.entry(pair[0]).or_default();
            *e = (*e).max(s);
        }
    };
    let n = w.chars().count();
    for (key, entry) in shard {
        let exact = *key == w;
        if exact || (n >= 3 && key.starts_with(w)) {
            add(&mut best, entry, !exact);
        }
    }
    let typos = typos_allowed(n);
    if best.is_empty() && typos > 0 {
        for (key, entry) in shard {
            let m = key.chars().count();
            let stem_of_w = matches!(entry, Entry::Postings(_)) && m >= 4 && w.starts_with(key);
            if stem_of_w || (m.abs_diff(n) <= typos && strsim::osa_distance(w, key) <= typos) {
                add(&mut best, entry, true);
            }
        }
    }
    best
}

/// The pages matching `q`, best first. `page_of` gives a document's page (its first
/// document).
pub fn query(shards: &Shards, page_of: impl Fn(u32) -> u32, q: &str) -> Vec<Found> {
    let words = query_words(q);
    let words = &words[..words.len().min(8)];
    let mut total: HashMap<u32, (usize, u32)> = HashMap::new();
    for w in words {
        for (d, s) in word_scores(shards, w) {
            let e = total.entry(d).or_default();
            e.0 += 1;
            e.1 += s;
        }
    }
    let all_words = total.values().any(|&(hits, _)| hits == words.len());
    let mut pages: HashMap<u32, Found> = HashMap::new();
    for (&d, &(hits, _)) in &total {
        if all_words && hits != words.len() {
            continue;
        }
        let page = page_of(d);
        let found = pages.entry(page).or_insert(Found {
            page,
            docs: Vec::new(),
            score: 0,
        });
        found.docs.push(d);
    }
    let mut out: Vec<Found> = pages.into_values().collect();
    for found in &mut out {
        found.docs.sort_by(|a, b| total[b].1.cmp(&total[a].1).then(a.cmp(b)));
        let best = total[&found.docs[0]].1;
        let others: u32 = found.docs[1..].iter().map(|d| total[d].1).sum();
        found.score = best + (best / 2).min(others / 4);
    }
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.page.cmp(&b.page)));
    out
}
