//! Each term's documents and BM25 scores, with per-field weights (a title or a name counts
//! ten times the body) and per-document weights (a checklist task without a runbook counts
//! less than a page), computed at build time so that the browser only adds numbers.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::words::{stem, tokenize, JOINED};
use super::{Doc, BODY, HEADING, NAMES, TITLE};

/// The best documents kept for each term: past this, a word is too common to rank by.
const MAX_POSTINGS: usize = 100;
const BOOST: [f64; 4] = [10.0, 10.0, 4.0, 1.0];
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Documents counted together by one thread.
pub(super) const DOCS_PER_CHUNK: usize = 512;
/// Terms are spread over this many buckets by hash, merged in parallel.
const BUCKETS: usize = 64;

/// The scored index: each term (a stem) with its documents and scores, best first; and each
/// word of the book whose term differs from it, with that term (`backups` → `backup`).
#[derive(Debug, Default)]
pub struct Index {
    pub terms: BTreeMap<String, Vec<(u32, u32)>>,
    pub aliases: BTreeMap<String, String>,
}

/// A term's documents, each with the term's count in each field (saturating: past 65,535 a
/// count adds nothing to a BM25 score).
type Postings = Vec<(u32, [u16; 4])>;

fn bucket_of(term: &str) -> usize {
    use std::hash::BuildHasher;
    (rustc_hash::FxBuildHasher.hash_one(term) % BUCKETS as u64) as usize
}

/// The terms of one chunk of documents, counted: a few flat arrays rather than a string and
/// a list for each term (a large book has millions of those).
struct ChunkTerms {
    /// Each document's length in words, per field.
    lengths: Vec<[u32; 4]>,
    /// The distinct terms, one after another.
    text: String,
    /// Per term: its place in `text` and its documents' place in `postings`.
    terms: Vec<[u32; 4]>,
    /// Each term's documents in document order, with the term's count per field.
    postings: Postings,
    /// The terms of each bucket, by their place in `terms`.
    buckets: Vec<Vec<u32>>,
    /// The words of the chunk whose term differs from them, with their term's number.
    aliases: Vec<(String, u32)>,
}

impl ChunkTerms {
    fn term(&self, t: u32) -> (&str, &[(u32, [u16; 4])]) {
        let [start, end, from, to] = self.terms[t as usize];
        (
            self.text.get(start as usize..end as usize).unwrap_or_default(),
            self.postings.get(from as usize..to as usize).unwrap_or_default(),
        )
    }
}

/// Counts the terms of `chunk`, whose first document is number `first`.
fn count_chunk(chunk: &[Doc], first: usize) -> ChunkTerms {
    // The words of the whole chunk in one buffer, each document's from `starts[k]` in
    // `ranges`.
    let mut buf = String::new();
    let mut ranges = Vec::new();
    let mut starts = Vec::with_capacity(chunk.len() + 1);
    for doc in chunk {
        starts.push(ranges.len());
        for (f, parts) in doc.fields.iter().enumerate() {
            let join = f == TITLE || f == HEADING;
            for text in parts {
                tokenize(text, f as u8, join, &mut buf, &mut ranges);
            }
        }
    }
    starts.push(ranges.len());
    // Each distinct word gets its term's number from one map lookup per word read (and is
    // stemmed once, the first time); a document's counts are kept by that number, then
    // appended to `found` as (term, document, counts).
    let mut lengths = Vec::with_capacity(chunk.len());
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut term_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut words: Vec<String> = Vec::new();
    let mut aliases: Vec<(String, u32)> = Vec::new();
    let mut tf: Vec<[u16; 4]> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    let mut found: Vec<(u32, u32, [u16; 4])> = Vec::new();
    for k in 0..chunk.len() {
        let d = (first + k) as u32;
        let mut length = [0u32; 4];
        for &(start, end, f) in &ranges[starts[k]..starts[k + 1]] {
            let Some(word) = buf.get(start as usize..end as usize) else {
                continue;
            };
            let id = match ids.get(word) {
                Some(&id) => id as usize,
                None => {
                    let term = stem(word);
                    let next = words.len() as u32;
                    let id = *term_ids.entry(term.to_string()).or_insert(next);
                    if id == next {
                        words.push(term.to_string());
                        tf.push([0; 4]);
                    }
                    if term != word {
                        aliases.push((word.to_string(), id));
                    }
                    ids.insert(word, id);
                    id as usize
                }
            };
            let counts = &mut tf[id];
            if *counts == [0; 4] {
                seen.push(id as u32);
            }
            let field = usize::from(f & !JOINED);
            let n = &mut counts[field];
            *n = n.saturating_add(1);
            if f & JOINED == 0 {
                length[field] += 1;
            }
        }
        lengths.push(length);
        for id in seen.drain(..) {
            found.push((id, d, std::mem::take(&mut tf[id as usize])));
        }
    }
    // Each term's documents together, still in document order (a counting sort by term).
    let mut next = vec![0u32; words.len()];
    for &(id, ..) in &found {
        next[id as usize] += 1;
    }
    let mut terms = Vec::with_capacity(words.len());
    let mut text = String::with_capacity(words.iter().map(|w| w.len()).sum());
    let mut at = 0u32;
    for (word, n) in words.iter().zip(next.iter_mut()) {
        let start = text.len() as u32;
        text.push_str(word);
        terms.push([start, text.len() as u32, at, at + *n]);
        (at, *n) = (at + *n, at);
    }
    let mut postings = vec![(0u32, [0u16; 4]); found.len()];
    for (id, d, counts) in found {
        let slot = &mut next[id as usize];
        postings[*slot as usize] = (d, counts);
        *slot += 1;
    }
    let mut buckets: Vec<Vec<u32>> = (0..BUCKETS).map(|_| Vec::new()).collect();
    for (t, word) in words.iter().enumerate() {
        buckets[bucket_of(word)].push(t as u32);
    }
    ChunkTerms {
        lengths,
        text,
        terms,
        postings,
        buckets,
        aliases,
    }
}

/// Each term's documents and scores, best first (at most [`MAX_POSTINGS`]), and the words
/// that lead to each term.
///
/// Documents are counted in chunks, in parallel; each chunk's terms go to buckets by hash;
/// each bucket merges its terms from every chunk, in document order, and scores them.
pub fn postings(docs: &[Doc]) -> Index {
    let chunks: Vec<ChunkTerms> = docs
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(c, chunk)| count_chunk(chunk, c * DOCS_PER_CHUNK))
        .collect();
    let n = docs.len().max(1) as f64;
    let mut avg = [0f64; 4];
    let lengths: Vec<[u32; 4]> = chunks.iter().flat_map(|c| c.lengths.iter().copied()).collect();
    for l in &lengths {
        for f in 0..4 {
            avg[f] += f64::from(l[f]) / n;
        }
    }
    let score = |list: &Postings| -> Vec<(u32, u32)> {
        let docs_with = list.len() as f64;
        let idf = (1.0 + (n - docs_with + 0.5) / (docs_with + 0.5)).ln();
        let mut out: Vec<(u32, u32)> = list
            .iter()
            .map(|&(d, per_field)| {
                let mut score = 0.0;
                for f in [TITLE, NAMES, HEADING, BODY] {
                    let t = f64::from(per_field[f]);
                    if t == 0.0 {
                        continue;
                    }
                    let norm = if avg[f] > 0.0 {
                        f64::from(lengths[d as usize][f]) / avg[f]
                    } else {
                        1.0
                    };
                    score += BOOST[f] * t * (K1 + 1.0) / (t + K1 * (1.0 - B + B * norm));
                }
                let weight = docs.get(d as usize).map_or(1.0, |doc| f64::from(doc.weight));
                (d, (score * idf * 10.0 * weight).round().max(1.0) as u32)
            })
            .collect();
        // The best few of a common term's many documents: selected, then only they sorted.
        let order = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if out.len() > MAX_POSTINGS {
            out.select_nth_unstable_by(MAX_POSTINGS - 1, order);
            out.truncate(MAX_POSTINGS);
        }
        out.sort_unstable_by(order);
        out
    };
    // Each bucket: its terms from every chunk, in chunk (so document) order, then scored.
    let terms: BTreeMap<String, Vec<(u32, u32)>> = (0..BUCKETS)
        .into_par_iter()
        .map(|b| {
            let mut merged: FxHashMap<&str, Postings> = FxHashMap::default();
            for chunk in &chunks {
                for &t in &chunk.buckets[b] {
                    let (term, list) = chunk.term(t);
                    match merged.get_mut(term) {
                        Some(all) => all.extend_from_slice(list),
                        None => {
                            merged.insert(term, list.to_vec());
                        }
                    }
                }
            }
            merged
                .into_iter()
                .map(|(term, list)| (term.to_string(), score(&list)))
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    // The words leading to a term, once each; a word that is itself a term is found as one.
    let mut aliases: Vec<(&str, &str)> = chunks
        .par_iter()
        .flat_map_iter(|c| c.aliases.iter().map(move |(word, t)| (word.as_str(), c.term(*t).0)))
        .filter(|(word, _)| !terms.contains_key(*word))
        .collect();
    aliases.par_sort_unstable();
    aliases.dedup();
    let aliases = aliases
        .into_iter()
        .map(|(w, t)| (w.to_string(), t.to_string()))
        .collect();
    Index { terms, aliases }
}
