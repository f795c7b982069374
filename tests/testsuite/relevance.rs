//! The search relevance benchmark: the queries of `tests/relevance/queries.toml`, each with
//! the page an on-call engineer needs, run against the index the example book's build
//! writes (read back from `site/search/`, ranked by `opsbook::search::query`, the same rules
//! as the theme's script). Prints precision at 1 and 3 and the mean reciprocal rank:
//!
//! ```text
//! cargo test --test testsuite relevance -- --nocapture
//! ```
//!
//! `OPSBOOK_RELEVANCE_SITE=DIR` measures a site built elsewhere instead (an index written by
//! an older opsbook, whose format had no pages, is ranked by that version's rules).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use opsbook::search::{query, Entry, Shards};

use crate::support::{repo_root, Book};

#[derive(Deserialize)]
struct Queries {
    query: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    q: String,
    want: String,
    top: usize,
    kind: String,
}

/// The index files of a built site, read back.
struct Written {
    meta: Value,
    /// shard key → (key → documents and scores, or the term a word leads to)
    shards: BTreeMap<String, Vec<(String, Value)>>,
    /// Each document's URL.
    urls: Vec<String>,
}

/// The arguments of a `opsbookSearch.<name>(...)` script, as a JSON array.
fn call_args(text: &str) -> Value {
    let inner = text
        .find('(')
        .and_then(|open| text.rfind(')').map(|close| &text[open + 1..close]))
        .unwrap_or_else(|| panic!("not a search script: {}", &text[..text.len().min(80)]));
    serde_json::from_str(&format!("[{inner}]")).expect("search script arguments are JSON")
}

fn read_written(site: &Path) -> Written {
    let dir = site.join("search");
    let meta = call_args(&std::fs::read_to_string(dir.join("index.js")).expect("search/index.js"))[0].clone();
    let mut shards = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("t")).expect("search/t") {
        let args = call_args(&std::fs::read_to_string(entry.expect("entry").path()).expect("shard"));
        let key = args[0].as_str().expect("shard key").to_string();
        let map = args[1].as_object().expect("shard map");
        shards.insert(key, map.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    }
    let docs = meta["docs"].as_u64().expect("docs") as usize;
    let chunk = meta["chunk"].as_u64().expect("chunk") as usize;
    let mut urls = vec![String::new(); docs];
    for n in 0..docs.div_ceil(chunk) {
        let args = call_args(&std::fs::read_to_string(dir.join(format!("d/{n}.js"))).expect("doc chunk"));
        for (i, row) in args[1].as_array().expect("rows").iter().enumerate() {
            urls[n * chunk + i] = row[3].as_str().expect("url").to_string();
        }
    }
    Written { meta, shards, urls }
}

fn page_url(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// The pages `q` finds, best first, by the current rules.
fn ranked_pages(w: &Written, q: &str) -> Vec<String> {
    let shards: Shards = w
        .shards
        .iter()
        .map(|(key, entries)| {
            let map = entries
                .iter()
                .map(|(k, v)| {
                    let entry = match v {
                        Value::String(term) => Entry::Alias(term),
                        v => Entry::Postings(
                            v.as_array()
                                .expect("postings")
                                .iter()
                                .map(|n| n.as_u64().expect("number") as u32)
                                .collect(),
                        ),
                    };
                    (k.as_str(), entry)
                })
                .collect();
            (key.clone(), map)
        })
        .collect();
    let mut page_of: Vec<u32> = (0..w.urls.len() as u32).collect();
    let mut at = 0usize;
    for size in opsbook::search::decode_sizes(w.meta["pages"].as_str().expect("pages")) {
        let size = size as usize;
        for page in &mut page_of[at..at + size] {
            *page = at as u32;
        }
        at += size;
    }
    query(&shards, |d| page_of[d as usize], q)
        .into_iter()
        .map(|f| page_url(&w.urls[f.page as usize]).to_string())
        .collect()
}

/// The pages `q` found before results were grouped by page, stemmed or typo-tolerant: every
/// word's exact term, or the terms it begins at half the score; every word must match, else
/// any may; the pages of the documents in order.
fn ranked_pages_v1(w: &Written, q: &str) -> Vec<String> {
    let words = opsbook::search::query_words(q);
    let mut total: HashMap<u64, (usize, u64)> = HashMap::new();
    for word in &words {
        let three: String = word.chars().take(3).collect();
        let key = if w.shards.contains_key(&three) {
            three
        } else {
            word.chars().take(2).collect()
        };
        let mut best: HashMap<u64, u64> = HashMap::new();
        for (term, list) in w.shards.get(&key).into_iter().flatten() {
            let exact = term == word;
            if !(exact || word.chars().count() >= 3 && term.starts_with(word.as_str())) {
                continue;
            }
            let list = list.as_array().expect("postings");
            for pair in list.chunks_exact(2) {
                let (d, s) = (pair[0].as_u64().unwrap_or(0), pair[1].as_u64().unwrap_or(0));
                let s = if exact { s } else { s / 2 };
                let e = best.entry(d).or_default();
                *e = (*e).max(s);
            }
        }
        for (d, s) in best {
            let e = total.entry(d).or_default();
            e.0 += 1;
            e.1 += s;
        }
    }
    let all = total.values().any(|t| t.0 == words.len());
    let mut docs: Vec<(u64, u64)> = total
        .into_iter()
        .filter(|(_, t)| !all || t.0 == words.len())
        .map(|(d, t)| (d, t.1))
        .collect();
    docs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut pages: Vec<String> = Vec::new();
    for (d, _) in docs {
        let page = page_url(&w.urls[d as usize]).to_string();
        if !pages.contains(&page) {
            pages.push(page);
        }
    }
    pages
}

/// Precision at 1 and 3 and mean reciprocal rank of some ranks (0 when not found).
fn figures<'a>(ranks: impl Iterator<Item = &'a usize>) -> (f64, f64, f64, usize) {
    let (mut p1, mut p3, mut rr, mut n) = (0.0, 0.0, 0.0, 0);
    for &r in ranks {
        n += 1;
        p1 += f64::from(u8::from(r == 1));
        p3 += f64::from(u8::from((1..=3).contains(&r)));
        rr += if r == 0 { 0.0 } else { 1.0 / r as f64 };
    }
    let n_f = n.max(1) as f64;
    (p1 / n_f, p3 / n_f, rr / n_f, n)
}

#[test]
fn relevance_benchmark_queries_find_the_page_an_engineer_needs() {
    let text = std::fs::read_to_string(repo_root().join("tests/relevance/queries.toml")).expect("queries.toml");
    let cases: Queries = toml::from_str(&text).expect("queries.toml parses");
    assert!(cases.query.len() >= 40, "the benchmark has at least 40 queries");
    let book;
    let site = match std::env::var_os("OPSBOOK_RELEVANCE_SITE") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => {
            book = Book::example();
            book.run(&["build", "--today", "2026-12-03"]).success();
            book.path().join("site")
        }
    };
    let written = read_written(&site);
    let current = written.meta.get("pages").is_some();
    let mut ranks: Vec<(usize, &Case)> = Vec::new();
    let mut misses = Vec::new();
    for case in &cases.query {
        let pages = if current {
            ranked_pages(&written, &case.q)
        } else {
            ranked_pages_v1(&written, &case.q)
        };
        let rank = pages.iter().position(|p| *p == case.want).map_or(0, |i| i + 1);
        if rank == 0 || rank > case.top {
            misses.push(format!(
                "  {:<34} want {} in the top {}, got it {}; first: {}",
                format!("{:?}", case.q),
                case.want,
                case.top,
                if rank == 0 {
                    "nowhere".to_string()
                } else {
                    format!("at {rank}")
                },
                pages.first().map(String::as_str).unwrap_or("nothing"),
            ));
        }
        ranks.push((rank, case));
    }
    let (p1, p3, mrr, n) = figures(ranks.iter().map(|(r, _)| r));
    let passed = ranks.iter().filter(|(r, c)| *r >= 1 && *r <= c.top).count();
    eprintln!(
        "search relevance on the example book ({n} queries, index format {}):",
        if current { "current" } else { "1" }
    );
    eprintln!("  precision@1 {p1:.2}   precision@3 {p3:.2}   MRR {mrr:.3}   met their top-N: {passed}/{n}");
    let mut kinds: Vec<&str> = ranks.iter().map(|(_, c)| c.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let (p1, p3, mrr, n) = figures(ranks.iter().filter(|(_, c)| c.kind == kind).map(|(r, _)| r));
        eprintln!("  {kind:<9} {n:>3} queries   P@1 {p1:.2}   P@3 {p3:.2}   MRR {mrr:.3}");
    }
    if !misses.is_empty() {
        eprintln!("missed:\n{}", misses.join("\n"));
    }
    if std::env::var_os("OPSBOOK_RELEVANCE_SITE").is_some() {
        return;
    }
    for must in ["failover", "backup", "replicaton", "disk full", "dba-team"] {
        let (rank, case) = ranks
            .iter()
            .find(|(_, c)| c.q == must)
            .expect("the five required queries are listed");
        assert_eq!(*rank, 1, "{must:?} must find {} first", case.want);
    }
    assert!(
        passed * 100 >= n * 90,
        "at least 90% of the queries meet their top-N; {passed}/{n}:\n{}",
        misses.join("\n")
    );
}
