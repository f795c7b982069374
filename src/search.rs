//! The search index: every page, every heading of a page, every task and every alert name,
//! scored at build time and cut into small script files that the browser loads on demand.
//!
//! The files are scripts (`opsbookSearch.terms(...)`), not JSON fetched at run time, so search
//! works from a folder opened as `file://`, where `fetch` and WebAssembly are blocked. A query
//! loads the index's table of shards, one shard per query word (the terms sharing its first
//! two letters, or three in a large book) and the few document chunks its best results live
//! in, so what it downloads stays small however large the book is.
//!
//! Layout, under the `search` URL prefix:
//! - `index.js`: the shard keys (two or three characters) and the documents per chunk;
//! - `t/<hex of key>.js`: `{term: [doc, score, doc, score, ...]}`, best documents first;
//! - `d/<n>.js`: documents `n * CHUNK ..`, each `[kind, title, heading, url, text]`.
//!
//! Scores are BM25 with per-field weights (a title or alert name counts ten times the body),
//! computed here so that the browser only adds numbers. Words are split the same way on both
//! sides: runs of letters and digits, lowercased; camelCase names (`PostgresPrimaryDown`) are
//! also indexed by their parts.
//!
//! It is one file on purpose: the documents, the word splitting, the scores and the shards are
//! one algorithm whose parts must agree with each other and with the theme's `search.js`;
//! split, they would only ever be read together.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::fingerprint::{Key, KeyHasher};
use crate::sink::Rendered;
use crate::site::Site;

/// Documents per chunk file.
pub const CHUNK: usize = 64;
/// The best documents kept for each term: past this, a word is too common to rank by.
const MAX_POSTINGS: usize = 100;
/// Characters of a document's text kept for its snippet.
const SNIPPET_CHARS: usize = 200;
/// Words shorter or longer than these are not indexed.
const MIN_WORD: usize = 2;
const MAX_WORD: usize = 40;

/// Fields of a document and their weights.
const TITLE: usize = 0;
const ALERTS: usize = 1;
const HEADING: usize = 2;
const BODY: usize = 3;
const BOOST: [f64; 4] = [10.0, 10.0, 4.0, 1.0];
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Words too common to search by (each of at most four letters, see [`pack`]).
const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "into", "is", "it", "its", "of", "on", "or",
    "so", "that", "the", "then", "this", "to", "was", "were", "will", "with",
];

/// One thing search can find.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc<'a> {
    /// What the result line names it: the page's kind (`Runbook`, `Disaster recovery`), or
    /// `Task`.
    pub kind: &'static str,
    pub title: Cow<'a, str>,
    /// The heading of a section, or what else the result line shows (a task's status).
    pub heading: Cow<'a, str>,
    /// The site path, relative to the site's root (`dr/restore/`), without the anchor.
    path: Cow<'a, str>,
    /// The heading's anchor (`verify`).
    anchor: Option<&'a str>,
    /// The text whose start the snippet shows (made when written: a large book has a hundred
    /// thousand documents, whose snippets and URLs need not be held at once).
    snippet_of: Cow<'a, str>,
    /// The words of each field, borrowed from the site in parts (a part never joins the
    /// next one in a word).
    fields: [Vec<&'a str>; 4],
}

impl Doc<'_> {
    /// The site path with the anchor, relative to the site's root (`dr/restore/#verify`).
    pub fn url(&self) -> Cow<'_, str> {
        match self.anchor {
            Some(anchor) => Cow::Owned(format!("{}#{anchor}", self.path)),
            None => Cow::Borrowed(&self.path),
        }
    }

    /// The start of its text, for the snippet.
    pub fn text(&self) -> String {
        snippet(&self.snippet_of)
    }
}

/// The words of `text` as the index holds them: lowercased runs of letters and digits, and the
/// parts of camelCase words.
pub fn index_words(text: &str, mut each: impl FnMut(String)) {
    let mut buf = String::new();
    let mut ranges = Vec::new();
    tokenize(text, 0, &mut buf, &mut ranges);
    for (start, end, _) in ranges {
        each(buf[start as usize..end as usize].to_string());
    }
}

/// Appends the index words of `text` to `buf`, and where each lies in it (with `field`) to
/// `ranges`: one buffer per document instead of a string per word.
fn tokenize(text: &str, field: u8, buf: &mut String, ranges: &mut Vec<(u32, u32, u8)>) {
    if !text.is_ascii() {
        for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            tokenize_word(word, field, buf, ranges);
        }
        return;
    }
    // Runs of ASCII letters and digits, found byte by byte; a word with a capital or a digit
    // after its first letter may have camelCase parts, which go first.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut may_have_parts = false;
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            may_have_parts |= bytes[i].is_ascii_uppercase() || bytes[i].is_ascii_digit();
            i += 1;
        }
        let word = &text[start..i];
        if may_have_parts {
            ascii_camel_parts(word, |part| push_ascii(part, field, buf, ranges));
        }
        push_ascii(word, field, buf, ranges);
    }
}

/// One word of a text that is not all ASCII: its camelCase parts (when it has more than one),
/// then itself.
fn tokenize_word(word: &str, field: u8, buf: &mut String, ranges: &mut Vec<(u32, u32, u8)>) {
    let mut push = |word: &str| {
        if word.is_ascii() {
            push_ascii(word, field, buf, ranges);
            return;
        }
        let start = buf.len();
        buf.extend(word.chars().flat_map(char::to_lowercase));
        if keep(&buf[start..]) {
            ranges.push((start as u32, buf.len() as u32, field));
        } else {
            buf.truncate(start);
        }
    };
    if word.chars().skip(1).any(|c| c.is_uppercase() || c.is_numeric()) {
        let parts = camel_parts(word);
        if parts.len() > 1 {
            for part in parts {
                push(part);
            }
        }
    }
    push(word);
}

/// Appends an ASCII word, lowercased, unless it is too short, too long or a stop word (both
/// checked before anything is copied).
fn push_ascii(word: &str, field: u8, buf: &mut String, ranges: &mut Vec<(u32, u32, u8)>) {
    let n = word.len();
    if !(MIN_WORD..=MAX_WORD).contains(&n) || (n <= 4 && STOP_PACKED.contains(&pack(word.as_bytes()))) {
        return;
    }
    let start = buf.len();
    buf.push_str(word);
    buf[start..].make_ascii_lowercase();
    ranges.push((start as u32, buf.len() as u32, field));
}

/// A word of at most four ASCII letters as one number, lowercased (letters are never zero, so
/// no two words share one).
const fn pack(word: &[u8]) -> u32 {
    let mut v = 0u32;
    let mut i = 0;
    while i < word.len() {
        v = (v << 8) | word[i].to_ascii_lowercase() as u32;
        i += 1;
    }
    v
}

/// [`STOP_WORDS`] packed, for comparing a word with all of them at once.
const STOP_PACKED: [u32; STOP_WORDS.len()] = {
    let mut out = [0; STOP_WORDS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = pack(STOP_WORDS[i].as_bytes());
        i += 1;
    }
    out
};

/// [`camel_parts`] of an ASCII word, given to `each` without collecting them, and only when
/// there are at least two.
fn ascii_camel_parts(word: &str, mut each: impl FnMut(&str)) {
    let b = word.as_bytes();
    let mut start = 0;
    for i in 1..b.len() {
        let (c, prev) = (b[i], b[i - 1]);
        let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = (c.is_ascii_uppercase() && prev.is_ascii_lowercase())
            || (c.is_ascii_uppercase() && prev.is_ascii_uppercase() && next_lower)
            || (c.is_ascii_digit() != prev.is_ascii_digit());
        if boundary {
            each(&word[start..i]);
            start = i;
        }
    }
    if start > 0 {
        each(&word[start..]);
    }
}

/// The words of a query, as the browser splits them (no camelCase parts: the whole name is
/// indexed too).
pub fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let w = w.to_lowercase();
        if w.chars().count() >= MIN_WORD && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

fn keep(word: &str) -> bool {
    let n = if word.is_ascii() {
        word.len()
    } else {
        word.chars().count()
    };
    // Every stop word has at most four letters.
    (MIN_WORD..=MAX_WORD).contains(&n) && (n > 4 || !STOP_WORDS.contains(&word))
}

/// `PostgresPrimaryDown` → `Postgres`, `Primary`, `Down`; `HTTPErrors` → `HTTP`, `Errors`.
fn camel_parts(word: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (at, c) = chars[i];
        let prev = chars[i - 1].1;
        let next_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
        let boundary = (c.is_uppercase() && prev.is_lowercase())
            || (c.is_uppercase() && prev.is_uppercase() && next_lower)
            || (c.is_numeric() != prev.is_numeric());
        if boundary {
            parts.push(&word[start..at]);
            start = at;
        }
    }
    parts.push(&word[start..]);
    parts
}

/// Past this size, a two-character shard is cut by three characters.
const SHARD_BYTES: usize = 48 * 1024;

/// The narrowest shard a word can live in: its first three characters.
pub fn shard_key(word: &str) -> String {
    word.chars().take(3).collect()
}

/// Everything search can find in the site, in a fixed order. Tasks link to
/// `<tasks_prefix>/<id>/`.
pub fn documents<'a>(site: &'a Site, tasks_prefix: &str) -> Vec<Doc<'a>> {
    let per_page: Vec<Vec<Doc>> = site
        .pages
        .par_iter()
        .map(|page| {
            let mut docs = Vec::with_capacity(page.headings.len() + 1);
            let opening = page.text.first().map(String::as_str).unwrap_or_default();
            let mut body = vec![opening];
            body.extend(page.meta.owner.iter().chain(page.meta.tags.iter()).map(String::as_str));
            docs.push(Doc {
                kind: page.kind.label(),
                title: Cow::Borrowed(&page.title),
                heading: Cow::Borrowed(""),
                path: Cow::Borrowed(&page.path),
                anchor: None,
                snippet_of: Cow::Borrowed(opening),
                fields: [
                    vec![page.title.as_str()],
                    page.meta.alerts.iter().map(String::as_str).collect(),
                    Vec::new(),
                    body,
                ],
            });
            for (i, h) in page.headings.iter().enumerate() {
                let text = page.text.get(i + 1).map(String::as_str).unwrap_or_default();
                docs.push(Doc {
                    kind: page.kind.label(),
                    title: Cow::Borrowed(&page.title),
                    heading: Cow::Borrowed(&h.text),
                    path: Cow::Borrowed(&page.path),
                    anchor: Some(&h.id),
                    snippet_of: Cow::Borrowed(text),
                    fields: [
                        Vec::new(),
                        Vec::new(),
                        vec![h.text.as_str()],
                        vec![text, page.title.as_str()],
                    ],
                });
            }
            docs
        })
        .collect();
    // Sized once: a large book has a hundred thousand documents, and a vector grown by
    // doubling would hold up to three times their size while it copies.
    let tasks = site
        .checklist
        .as_ref()
        .map(|c| c.checklist.tasks().count())
        .unwrap_or(0);
    let mut docs: Vec<Doc> = Vec::with_capacity(per_page.iter().map(Vec::len).sum::<usize>() + tasks);
    docs.extend(per_page.into_iter().flatten());
    if let Some(c) = &site.checklist {
        let tasks: Vec<_> = c.checklist.tasks().collect();
        let task_docs: Vec<Doc> = tasks
            .par_iter()
            .map(|(section, task)| {
                let notes: Vec<&str> = task.notes.iter().map(|n| n.text.as_str()).collect();
                Doc {
                    kind: "Task",
                    title: Cow::Borrowed(&task.title),
                    heading: Cow::Owned(format!("{} · {}", task.status.label(), section.title)),
                    path: Cow::Owned(format!("{tasks_prefix}/{}/", task.id)),
                    anchor: None,
                    snippet_of: Cow::Owned(notes.join(" ")),
                    fields: [
                        vec![task.title.as_str()],
                        Vec::new(),
                        vec![section.title.as_str()],
                        notes,
                    ],
                }
            })
            .collect();
        docs.extend(task_docs);
    }
    docs
}

/// The start of `text` with its white space collapsed, at most [`SNIPPET_CHARS`] characters
/// and an ellipsis: made in one pass that stops once it has enough (only the first
/// `SNIPPET_CHARS * 3` characters of the text are looked at).
fn snippet(text: &str) -> String {
    const LOOKED_AT: usize = SNIPPET_CHARS * 3;
    let bytes_looked_at = text.len().min(LOOKED_AT * 4);
    let mut out = String::with_capacity(SNIPPET_CHARS + 8);
    let mut count = 0;
    // Where the output had its last whole character, to cut at.
    let mut full_at = 0;
    let mut space = false;
    for (seen, (at, c)) in text.char_indices().enumerate() {
        if seen >= LOOKED_AT || at + c.len_utf8() > bytes_looked_at {
            break;
        }
        if c.is_whitespace() {
            space = count > 0;
            continue;
        }
        for c in [' ', c].into_iter().skip(usize::from(!space)) {
            if count == SNIPPET_CHARS {
                out.truncate(full_at);
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
            full_at = out.len();
        }
        space = false;
    }
    out
}

/// Documents counted together by one thread.
const DOCS_PER_CHUNK: usize = 512;
/// Terms are spread over this many buckets by hash, merged in parallel.
const BUCKETS: usize = 64;

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
            for text in parts {
                tokenize(text, f as u8, &mut buf, &mut ranges);
            }
        }
    }
    starts.push(ranges.len());
    // Each distinct word gets a number from one map lookup per word read; a document's
    // counts are kept by that number, then appended to `found` as (term, document, counts).
    let mut lengths = Vec::with_capacity(chunk.len());
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut words: Vec<&str> = Vec::new();
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
            let next = words.len() as u32;
            let id = *ids.entry(word).or_insert(next) as usize;
            if id == words.len() {
                words.push(word);
                tf.push([0; 4]);
            }
            let counts = &mut tf[id];
            if *counts == [0; 4] {
                seen.push(id as u32);
            }
            let n = &mut counts[usize::from(f)];
            *n = n.saturating_add(1);
            length[usize::from(f)] += 1;
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
    }
}

/// Each term's documents and scores, best first (at most [`MAX_POSTINGS`]).
///
/// Documents are counted in chunks, in parallel; each chunk's terms go to buckets by hash;
/// each bucket merges its terms from every chunk, in document order, and scores them.
pub fn postings(docs: &[Doc]) -> BTreeMap<String, Vec<(u32, u32)>> {
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
                for f in [TITLE, ALERTS, HEADING, BODY] {
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
                (d, (score * idf * 10.0).round().max(1.0) as u32)
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
    (0..BUCKETS)
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
        .collect()
}

/// Runs a query against the index as the browser does: every word must match (a word of
/// three letters or more also matches the terms it begins, at half the score); without such
/// a document, any word may. Returns document numbers, best first.
pub fn query(index: &BTreeMap<String, Vec<(u32, u32)>>, q: &str) -> Vec<u32> {
    let words = query_words(q);
    if words.is_empty() {
        return Vec::new();
    }
    let per_word: Vec<HashMap<u32, u32>> = words
        .iter()
        .map(|w| {
            let mut best: HashMap<u32, u32> = HashMap::new();
            let long = w.chars().count() >= 3;
            for (term, list) in index.range(w.clone()..) {
                let exact = term == w;
                if !(exact || long && term.starts_with(w.as_str())) {
                    break;
                }
                for &(d, s) in list {
                    let s = if exact { s } else { s / 2 };
                    let e = best.entry(d).or_default();
                    *e = (*e).max(s);
                }
            }
            best
        })
        .collect();
    let mut total: HashMap<u32, (usize, u32)> = HashMap::new();
    for best in &per_word {
        for (&d, &s) in best {
            let e = total.entry(d).or_default();
            e.0 += 1;
            e.1 += s;
        }
    }
    let all: Vec<(u32, u32)> = total
        .iter()
        .filter(|(_, (hits, _))| *hits == words.len())
        .map(|(&d, &(_, s))| (d, s))
        .collect();
    let mut ranked = if all.is_empty() {
        total.iter().map(|(&d, &(_, s))| (d, s)).collect()
    } else {
        all
    };
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().map(|(d, _)| d).collect()
}

/// The index's files, under the search prefix, each given to `put` as it is made.
pub fn build(site: &Site, config: &Config, put: impl FnMut(Rendered)) {
    let mut t = std::time::Instant::now();
    let docs = documents(site, &config.urls.tasks);
    crate::clock::log_time("  search docs", &mut t);
    files(&docs, config, put)
}

/// Everything the index files are made of, hashed: when it is the last build's, so are they.
pub fn key(docs: &[Doc], config: &Config) -> Option<Key> {
    let mut h = KeyHasher::new()?;
    h.str("search").str(&config.urls.search);
    for d in docs {
        // What the URL and the snippet are made from, rather than making them.
        h.str(d.kind).str(&d.title).str(&d.heading).str(&d.path);
        match d.anchor {
            Some(anchor) => h.bytes(&[1]).str(anchor),
            None => h.bytes(&[0]),
        };
        h.str(&d.snippet_of);
        for field in &d.fields {
            h.bytes(&(field.len() as u64).to_le_bytes());
            for part in field {
                h.str(part);
            }
        }
    }
    Some(h.finish())
}

/// The index files of `docs`, each given to `put` as it is made (a large book's index is
/// tens of megabytes: it is never held whole).
pub fn files(docs: &[Doc], config: &Config, mut put: impl FnMut(Rendered)) {
    let mut t = std::time::Instant::now();
    let index = postings(docs);
    crate::clock::log_time("  search postings", &mut t);
    let prefix = &config.urls.search;
    let shards = shards(&index);
    crate::clock::log_time("  search shards", &mut t);
    let keys: Vec<&String> = shards.keys().collect();
    let meta = serde_json::json!({ "v": 1, "chunk": CHUNK, "docs": docs.len(), "shards": keys });
    put(Rendered::new(
        format!("{prefix}/index.js"),
        format!("opsbookSearch.meta({meta});\n"),
    ));
    for (key, terms) in &shards {
        let json = serde_json::to_string(terms).unwrap_or_else(|_| "{}".into());
        let key_json = serde_json::to_string(key).unwrap_or_else(|_| "\"\"".into());
        put(Rendered::new(
            format!("{prefix}/t/{}.js", hex(key)),
            format!("opsbookSearch.terms({key_json},{json});\n"),
        ));
    }
    drop(shards);
    drop(index);
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        let made: Vec<(Cow<str>, String)> = chunk.iter().map(|d| (d.url(), d.text())).collect();
        let rows: Vec<[&str; 5]> = chunk
            .iter()
            .zip(&made)
            .map(|(d, (url, text))| [d.kind, &d.title, &d.heading, url, text.as_str()])
            .collect();
        let json = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into());
        put(Rendered::new(
            format!("{prefix}/d/{n}.js"),
            format!("opsbookSearch.docs({n},{json});\n"),
        ));
    }
    crate::clock::log_time("search", &mut t);
}

/// The index cut into shards: the terms sharing their first two characters, or, where those
/// would pass [`SHARD_BYTES`], their first three (the two-character terms stay in the first).
/// The browser loads the three-character shard of a word when there is one, else the two.
fn shards(index: &BTreeMap<String, Vec<(u32, u32)>>) -> BTreeMap<String, BTreeMap<&str, Vec<u32>>> {
    // Roughly the bytes a term takes in its shard.
    let size = |term: &str, list: &[(u32, u32)]| term.len() + 4 + list.len() * 9;
    let mut by_two: BTreeMap<String, usize> = BTreeMap::new();
    for (term, list) in index {
        *by_two.entry(term.chars().take(2).collect()).or_default() += size(term, list);
    }
    let mut out: BTreeMap<String, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
    for (term, list) in index {
        let two: String = term.chars().take(2).collect();
        let split = by_two.get(&two).is_some_and(|&bytes| bytes > SHARD_BYTES);
        let key = if split { shard_key(term) } else { two };
        let flat = list.iter().flat_map(|&(d, s)| [d, s]).collect();
        out.entry(key).or_default().insert(term, flat);
    }
    out
}

/// A shard key as a file name: the hex of its UTF-8 bytes.
pub fn hex(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        index_words(text, |w| out.push(w));
        out
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        assert_eq!(
            words("Restore the DB, then pg_isready -p 5432."),
            ["restore", "db", "pg", "isready", "5432"]
        );
        assert_eq!(words("Überprüfung läuft"), ["überprüfung", "läuft"]);
    }

    #[test]
    fn camel_case_names_are_found_by_their_parts_and_whole() {
        let w = words("PostgresPrimaryDown HTTPErrorsHigh");
        for part in [
            "postgres",
            "primary",
            "down",
            "postgresprimarydown",
            "http",
            "errors",
            "high",
        ] {
            assert!(w.contains(&part.to_string()), "{part} not in {w:?}");
        }
    }

    /// The ASCII fast path must split exactly as the general one does.
    #[test]
    fn ascii_words_split_as_any_word_does() {
        for word in [
            "PostgresPrimaryDown",
            "HTTPErrorsHigh",
            "http2",
            "v1beta1",
            "5432",
            "a",
            "ABC",
            "ABCdef",
            "x9Y",
            "kubectl",
            "IOWait95th",
            "aB",
        ] {
            let mut fast = Vec::new();
            ascii_camel_parts(word, |p| fast.push(p.to_string()));
            let general = camel_parts(word);
            let expected: Vec<String> = if general.len() > 1 {
                general.iter().map(|p| p.to_string()).collect()
            } else {
                Vec::new()
            };
            assert_eq!(fast, expected, "{word}");
        }
        for stop in STOP_WORDS {
            assert!(stop.len() <= 4, "{stop} is too long to pack");
            assert!(words(&stop.to_uppercase()).is_empty(), "{stop}");
        }
        assert_eq!(words("Then THE thee this"), ["thee"]);
    }

    /// What [`snippet`] made before it was one pass: the reference it must agree with.
    fn snippet_reference(text: &str) -> String {
        let mut end = text.len().min(SNIPPET_CHARS * 3 * 4);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let head = match text[..end].char_indices().nth(SNIPPET_CHARS * 3) {
            Some((at, _)) => &text[..at],
            None => &text[..end],
        };
        let collapsed = head.split_whitespace().collect::<Vec<_>>().join(" ");
        match collapsed.char_indices().nth(SNIPPET_CHARS) {
            Some((at, _)) => format!("{}…", &collapsed[..at]),
            None => collapsed,
        }
    }

    #[test]
    fn snippets_collapse_white_space_and_stop_at_their_length() {
        let mut texts = vec![
            String::new(),
            "   ".to_string(),
            "  Restore   the\n\tdatabase  ".to_string(),
            "é".repeat(700),
            "a".repeat(SNIPPET_CHARS),
            "a".repeat(SNIPPET_CHARS + 1),
            format!("{} b", "a".repeat(SNIPPET_CHARS - 1)),
            format!("{} b", "a".repeat(SNIPPET_CHARS)),
            format!("{}  ", "a".repeat(SNIPPET_CHARS)),
            format!("{}{}", " ".repeat(590), "word ".repeat(10)),
            format!("{}{}", "\u{3000}".repeat(300), "語".repeat(900)),
            "🙂 ".repeat(400),
        ];
        // Words of every length, spaced every which way.
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut t = String::new();
            for _ in 0..(seed % 400) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t.push(match (seed >> 33) % 7 {
                    0 => ' ',
                    1 => '\n',
                    2 => 'é',
                    3 => '🙂',
                    _ => 'x',
                });
            }
            texts.push(t);
        }
        for t in &texts {
            assert_eq!(snippet(t), snippet_reference(t), "{t:?}");
        }
    }

    #[test]
    fn query_words_match_how_the_index_splits() {
        assert_eq!(query_words("PostgresPrimaryDown"), ["postgresprimarydown"]);
        assert_eq!(
            query_words("pg_stat_replication lag"),
            ["pg", "stat", "replication", "lag"]
        );
        assert_eq!(query_words("a ! ?"), Vec::<String>::new());
    }

    fn doc<'a>(title: &'a str, alerts: &'a str, heading: &'a str, body: &'a str) -> Doc<'a> {
        Doc {
            kind: "runbook",
            title: title.into(),
            heading: heading.into(),
            path: Cow::Borrowed(""),
            anchor: None,
            snippet_of: Cow::Borrowed(""),
            fields: [vec![title], vec![alerts], vec![heading], vec![body]],
        }
    }

    #[test]
    fn title_and_alert_matches_rank_first() {
        let docs = vec![
            doc(
                "Disk usage",
                "",
                "",
                "replication lag makes the disk fill on the replica",
            ),
            doc("Replication lag", "", "", "what to do"),
            doc("Primary down", "PostgresReplicationLagHigh", "", "see the runbook"),
        ];
        let index = postings(&docs);
        let ranked = query(&index, "replication");
        assert_eq!(ranked.len(), 3);
        assert_ne!(ranked[0], 0, "a body match outranks a title or alert match: {ranked:?}");
        assert_eq!(ranked[2], 0, "{ranked:?}");
        assert_eq!(query(&index, "PostgresReplicationLagHigh"), [2]);
    }

    #[test]
    fn every_word_must_match_and_prefixes_count() {
        let docs = vec![
            doc("Restore the database", "", "", "pgbackrest restore"),
            doc("Restart nginx", "", "", "systemctl restart nginx"),
        ];
        let index = postings(&docs);
        assert_eq!(query(&index, "restore database"), [0]);
        assert_eq!(query(&index, "nginx"), [1]);
        assert_eq!(query(&index, "rest"), query(&index, "res"), "prefixes of both");
        assert_eq!(query(&index, "rest").len(), 2);
        // No document has both words: any word may match.
        assert_eq!(query(&index, "database nginx").len(), 2);
    }

    /// Documents are counted in chunks of [`DOCS_PER_CHUNK`] and merged by bucket: a term's
    /// documents from every chunk must all be found, under their own numbers.
    #[test]
    fn terms_spread_over_many_chunks_keep_their_documents() {
        let texts: Vec<(String, String)> = (0..DOCS_PER_CHUNK * 3 + 7)
            .map(|i| {
                let body = match i {
                    0 | 700 => "zebra crossing".to_string(),
                    i if i == DOCS_PER_CHUNK * 3 + 6 => "zebra".to_string(),
                    i => format!("filler {i}"),
                };
                (format!("Doc {i}"), body)
            })
            .collect();
        let docs: Vec<Doc> = texts.iter().map(|(title, body)| doc(title, "", "", body)).collect();
        let index = postings(&docs);
        let mut found = query(&index, "zebra");
        found.sort_unstable();
        assert_eq!(found, [0, 700, (DOCS_PER_CHUNK * 3 + 6) as u32]);
        assert_eq!(query(&index, "zebra crossing").len(), 2);
        assert_eq!(query(&index, "1300"), [1300]);
    }

    #[test]
    fn shard_files_are_named_by_hex() {
        assert_eq!(shard_key("postgres"), "pos");
        assert_eq!(shard_key("pg"), "pg");
        assert_eq!(hex("pos"), "706f73");
        assert_eq!(shard_key("überprüfung"), "übe");
    }
}
