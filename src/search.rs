//! The search index: every page, every heading of a page, every owner, every checklist task
//! without a runbook and every alert name, scored at build time and cut into small script
//! files that the browser loads on demand.
//!
//! The files are scripts (`opsbookSearch.terms(...)`), not JSON fetched at run time, so search
//! works from a folder opened as `file://`, where `fetch` and WebAssembly are blocked. A query
//! loads the index's table of shards, one shard per query word (the terms sharing its first
//! two letters, or three in a large book) and the few document chunks its best results live
//! in, so what it downloads stays small however large the book is.
//!
//! Layout, under the `search` URL prefix:
//! - `index.js`: the shard keys (two or three characters), the documents per chunk, and how
//!   many documents each page has, one character each ([`encode_sizes`]; a page's documents
//!   are numbered one after another);
//! - `t/<hex of key>.js`: `{term: [doc, score, doc, score, ...], word: "term"}`, best
//!   documents first;
//! - `d/<n>.js`: documents `n * CHUNK ..`, each `[kind, title, heading, url, text]`.
//!
//! The pipeline: [`documents`] → [`words`] (splitting, stems) → [`postings`] (BM25 scores) →
//! [`shards`] → files; [`query`] runs a query as the theme's `search.js` code does.

mod postings;
mod query;
mod shards;
mod words;

use std::borrow::Cow;

use rayon::prelude::*;

pub use postings::{postings, Index};
pub use query::{query, typos_allowed, Found};
pub use shards::{hex, shard_key, shard_of, shards, Entry, Shards};
pub use words::{index_words, query_words, stem};

use crate::config::Config;
use crate::fingerprint::{Key, KeyHasher};
use crate::page::PageKind;
use crate::sink::Rendered;
use crate::site::Site;

/// Documents per chunk file.
pub const CHUNK: usize = 64;
/// Characters of a document's text kept for its snippet.
const SNIPPET_CHARS: usize = 240;
/// The version of the index's format and scoring, part of its carry-over key.
const VERSION: &str = "search 2";

/// Fields of a document.
const TITLE: usize = 0;
/// Alert names, the owner, a task's id (of a task without a runbook).
const NAMES: usize = 1;
const HEADING: usize = 2;
const BODY: usize = 3;

/// How much a checklist task without a runbook weighs against a page: it leads to "no
/// runbook yet", so a page that answers comes first.
const TASK_WEIGHT: f32 = 0.3;
/// Disaster-recovery procedures and troubleshooting guides: what to do when it is broken,
/// first among pages as good as each other (the runbook on testing a failover names it as
/// often as the procedure does).
const RESPONSE_WEIGHT: f32 = 1.25;
/// Folder pages and guides: found, but after the runbooks they lead to.
const LISTING_WEIGHT: f32 = 0.7;

/// A page the book links to from many others is the one its writers send readers to: up to
/// a quarter more for five pages linking to it.
fn linked_weight(linked_from: usize) -> f32 {
    1.0 + 0.05 * linked_from.min(5) as f32
}

/// One thing search can find.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc<'a> {
    /// What the result line names it: the page's kind (`Runbook`, `Disaster recovery`),
    /// `Owner` or `Task`.
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
    /// What its scores are multiplied by.
    weight: f32,
    /// Whether it is a page's first document (the page itself), which its headings follow.
    opens_page: bool,
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

/// Where search results link to: tasks (`tasks`) and owners (`owners`), each owner with their
/// id and the pages they own.
pub struct Places<'a> {
    pub tasks: &'a str,
    pub owners: &'a str,
    pub owner_list: &'a [(&'a str, String, Vec<usize>)],
}

/// Everything search can find in the site, in a fixed order: each page followed by its
/// headings, the owners, then the checklist tasks that have no runbook.
pub fn documents<'a>(site: &'a Site, places: &Places<'a>) -> Vec<Doc<'a>> {
    let per_page: Vec<Vec<Doc>> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let weight = match page.kind {
                _ if page.is_index => LISTING_WEIGHT,
                PageKind::Guide => LISTING_WEIGHT,
                PageKind::Dr | PageKind::Troubleshooting => RESPONSE_WEIGHT,
                PageKind::Runbook | PageKind::Faq => 1.0,
            } * linked_weight(site.backlinks.get(i).map_or(0, Vec::len));
            let mut docs = Vec::with_capacity(page.headings.len() + 1);
            let opening = page.text.first().map(String::as_str).unwrap_or_default();
            let mut names: Vec<&str> = page.meta.alerts.iter().map(String::as_str).collect();
            names.extend(page.meta.owner.as_deref());
            let mut body = vec![opening];
            body.extend(site.page_task.get(&i).map(String::as_str));
            body.extend(page.meta.tags.iter().map(String::as_str));
            docs.push(Doc {
                kind: page.kind.label(),
                title: Cow::Borrowed(&page.title),
                heading: Cow::Borrowed(""),
                path: Cow::Borrowed(&page.path),
                anchor: None,
                snippet_of: Cow::Borrowed(opening),
                fields: [vec![page.title.as_str()], names, Vec::new(), body],
                weight,
                opens_page: true,
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
                    weight,
                    opens_page: false,
                });
            }
            docs
        })
        .collect();
    let owners = places.owner_list.iter().map(|(name, id, pages)| {
        let titles: Vec<&str> = pages
            .iter()
            .filter_map(|&i| site.pages.get(i))
            .map(|p| p.title.as_str())
            .collect();
        Doc {
            kind: "Owner",
            title: Cow::Borrowed(*name),
            heading: Cow::Owned(match pages.len() {
                1 => "1 page".to_string(),
                n => format!("{n} pages"),
            }),
            path: Cow::Owned(format!("{}/{id}/", places.owners)),
            anchor: None,
            snippet_of: Cow::Owned(titles.join(" · ")),
            fields: [vec![*name], vec![*name], Vec::new(), titles],
            weight: 1.0,
            opens_page: true,
        }
    });
    // Sized once: a large book has a hundred thousand documents, and a vector grown by
    // doubling would hold up to three times their size while it copies.
    let tasks: Vec<_> = site
        .checklist
        .iter()
        .flat_map(|c| c.checklist.tasks())
        .filter(|(_, task)| !site.task_page.contains_key(&task.id))
        .collect();
    let mut docs: Vec<Doc> =
        Vec::with_capacity(per_page.iter().map(Vec::len).sum::<usize>() + places.owner_list.len() + tasks.len());
    docs.extend(per_page.into_iter().flatten());
    docs.extend(owners);
    let task_docs: Vec<Doc> = tasks
        .par_iter()
        .map(|(section, task)| {
            let notes: Vec<&str> = task.notes.iter().map(|n| n.text.as_str()).collect();
            Doc {
                kind: "Task",
                title: Cow::Borrowed(&task.title),
                heading: Cow::Owned(format!("{} · {}", task.status.label(), section.title)),
                path: Cow::Owned(format!("{}/{}/", places.tasks, task.id)),
                anchor: None,
                snippet_of: Cow::Owned(notes.join(" ")),
                fields: [
                    vec![task.title.as_str()],
                    vec![task.id.as_str()],
                    vec![section.title.as_str()],
                    notes,
                ],
                weight: TASK_WEIGHT,
                opens_page: true,
            }
        })
        .collect();
    docs.extend(task_docs);
    docs
}

/// How many documents each page has, in document order, without the pages of one document
/// at the end (the browser takes every document past the list as its own page).
pub fn page_sizes(docs: &[Doc]) -> Vec<u32> {
    let mut sizes: Vec<u32> = Vec::new();
    for d in docs {
        match sizes.last_mut() {
            Some(n) if !d.opens_page => *n += 1,
            _ => sizes.push(1),
        }
    }
    while sizes.last() == Some(&1) {
        sizes.pop();
    }
    sizes
}

/// The characters page sizes are written with: the size 1 is `0`, 63 is `_`.
const SIZE_DIGITS: &[u8; 63] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";

/// Page sizes as one character each (a large book has ten thousand pages: a JSON list of
/// numbers would be a third of what a first query loads); a size over 63 is a `!` for each 63
/// before the character of the rest.
pub fn encode_sizes(sizes: &[u32]) -> String {
    let mut out = String::with_capacity(sizes.len());
    for &n in sizes {
        let mut n = n.max(1);
        while n > 63 {
            out.push('!');
            n -= 63;
        }
        out.push(char::from(SIZE_DIGITS[(n - 1) as usize]));
    }
    out
}

/// The sizes [`encode_sizes`] wrote.
pub fn decode_sizes(text: &str) -> Vec<u32> {
    let mut out = Vec::with_capacity(text.len());
    let mut carry = 0;
    for b in text.bytes() {
        if b == b'!' {
            carry += 63;
        } else if let Some(i) = SIZE_DIGITS.iter().position(|&d| d == b) {
            out.push(carry + i as u32 + 1);
            carry = 0;
        }
    }
    out
}

/// For each document, its page's first document.
pub fn page_starts(docs: &[Doc]) -> Vec<u32> {
    let mut start = 0;
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            if d.opens_page {
                start = i as u32;
            }
            start
        })
        .collect()
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

/// The index's files, under the search prefix, each given to `put` as it is made.
pub fn build(site: &Site, config: &Config, places: &Places, put: impl FnMut(Rendered)) {
    let mut t = std::time::Instant::now();
    let docs = documents(site, places);
    crate::clock::log_time("  search docs", &mut t);
    files(&docs, config, put)
}

/// Everything the index files are made of, hashed: when it is the last build's, so are they.
pub fn key(docs: &[Doc], config: &Config) -> Option<Key> {
    let mut h = KeyHasher::new()?;
    h.str(VERSION).str(&config.urls.search);
    for d in docs {
        // What the URL and the snippet are made from, rather than making them.
        h.str(d.kind).str(&d.title).str(&d.heading).str(&d.path);
        match d.anchor {
            Some(anchor) => h.bytes(&[1]).str(anchor),
            None => h.bytes(&[0]),
        };
        h.str(&d.snippet_of);
        h.bytes(&d.weight.to_le_bytes()).bytes(&[u8::from(d.opens_page)]);
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
    let meta = serde_json::json!({
        "v": 2,
        "chunk": CHUNK,
        "docs": docs.len(),
        "shards": keys,
        "pages": encode_sizes(&page_sizes(docs)),
        "typos": [typos_allowed(5), typos_allowed(9)],
    });
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn doc<'a>(title: &'a str, alerts: &'a str, heading: &'a str, body: &'a str) -> Doc<'a> {
        Doc {
            kind: "runbook",
            title: title.into(),
            heading: heading.into(),
            path: Cow::Borrowed(""),
            anchor: None,
            snippet_of: Cow::Borrowed(""),
            fields: [vec![title], vec![alerts], vec![heading], vec![body]],
            weight: 1.0,
            opens_page: true,
        }
    }

    /// The documents matching `q`, best first, one per page as every document is its own.
    fn ranked(docs: &[Doc], q: &str) -> Vec<u32> {
        let index = postings(docs);
        let shards = shards(&index);
        query(&shards, |d| d, q).into_iter().map(|f| f.page).collect()
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
        let found = ranked(&docs, "replication");
        assert_eq!(found.len(), 3);
        assert_ne!(found[0], 0, "a body match outranks a title or alert match: {found:?}");
        assert_eq!(found[2], 0, "{found:?}");
        assert_eq!(ranked(&docs, "PostgresReplicationLagHigh"), [2]);
    }

    #[test]
    fn every_word_must_match_and_prefixes_count() {
        let docs = vec![
            doc("Restore the database", "", "", "pgbackrest restore"),
            doc("Restart nginx", "", "", "systemctl restart nginx"),
        ];
        assert_eq!(ranked(&docs, "restore database"), [0]);
        assert_eq!(ranked(&docs, "nginx"), [1]);
        assert_eq!(ranked(&docs, "rest"), ranked(&docs, "res"), "prefixes of both");
        assert_eq!(ranked(&docs, "rest").len(), 2);
        // No document has both words: any word may match.
        assert_eq!(ranked(&docs, "database nginx").len(), 2);
    }

    #[test]
    fn word_forms_typos_and_joined_titles_are_found() {
        let docs = vec![
            doc("Fail over to the standby region", "", "", "promote the standby"),
            doc("Backups", "", "", "the nightly backups run at two"),
            doc("Replication lag", "", "", "check pg_stat_replication"),
            doc("Failing disks", "", "", "replace them"),
        ];
        assert_eq!(ranked(&docs, "failover").first(), Some(&0));
        assert_eq!(ranked(&docs, "backup"), [1], "a stem finds its other forms");
        assert_eq!(ranked(&docs, "backing").len(), 0, "no word of the book leads there");
        assert_eq!(ranked(&docs, "replicaton"), [2], "one letter dropped");
        assert_eq!(ranked(&docs, "replciation"), [2], "two letters swapped");
        assert_eq!(ranked(&docs, "replicating"), [2], "a form the book does not use");
        assert_eq!(ranked(&docs, "disc"), Vec::<u32>::new(), "no typos under five letters");
    }

    #[test]
    fn tasks_without_runbooks_come_after_pages() {
        let mut task = doc("Set up backup verification", "", "", "");
        task.weight = TASK_WEIGHT;
        let mut docs = vec![task, doc("Database backup runbook", "", "", "step by step")];
        // Other pages, so that the word is as rare as in a book.
        docs.extend((0..8).map(|_| doc("Other", "", "", "something else")));
        assert_eq!(ranked(&docs, "backup"), [1, 0]);
    }

    #[test]
    fn a_page_and_its_headings_are_one_result() {
        let mut docs = vec![
            doc("Restore", "", "", "restore the primary"),
            doc("Restore", "", "Restore from backup", "restore it"),
            doc("Other", "", "", "restore something"),
        ];
        docs[1].opens_page = false;
        let starts = page_starts(&docs);
        assert_eq!(starts, [0, 0, 2]);
        assert_eq!(page_sizes(&docs), [2]);
        let index = postings(&docs);
        let shards = shards(&index);
        let found = query(&shards, |d| starts[d as usize], "restore");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].page, 0);
        assert_eq!(found[0].docs.len(), 2);
    }

    #[test]
    fn page_sizes_are_one_character_each() {
        let sizes = [1, 2, 63, 64, 200, 7];
        let text = encode_sizes(&sizes);
        assert_eq!(text, "01_!0!!!a6");
        assert_eq!(decode_sizes(&text), sizes);
    }

    /// Documents are counted in chunks of [`postings::DOCS_PER_CHUNK`] and merged by bucket: a
    /// term's documents from every chunk must all be found, under their own numbers.
    #[test]
    fn terms_spread_over_many_chunks_keep_their_documents() {
        let per = postings::DOCS_PER_CHUNK;
        let texts: Vec<(String, String)> = (0..per * 3 + 7)
            .map(|i| {
                let body = match i {
                    0 | 700 => "zebra crossing".to_string(),
                    i if i == per * 3 + 6 => "zebra".to_string(),
                    i => format!("filler {i}"),
                };
                (format!("Doc {i}"), body)
            })
            .collect();
        let docs: Vec<Doc> = texts.iter().map(|(title, body)| doc(title, "", "", body)).collect();
        let mut found = ranked(&docs, "zebra");
        found.sort_unstable();
        assert_eq!(found, [0, 700, (per * 3 + 6) as u32]);
        assert_eq!(ranked(&docs, "zebra crossing").len(), 2);
        assert_eq!(ranked(&docs, "1300"), [1300]);
    }
}
