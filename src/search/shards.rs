//! The index cut into shards, one script file each: the terms (and words leading to terms)
//! sharing their first two characters, or, where those would pass [`SHARD_BYTES`], their
//! first three (the two-character keys stay in the first). The browser loads the
//! three-character shard of a word when there is one, else the two.

use std::collections::BTreeMap;

use serde::Serialize;

use super::postings::Index;

/// Past this size, a two-character shard is cut by three characters.
const SHARD_BYTES: usize = 48 * 1024;

/// What a shard holds for a key: a term's documents and scores, flat
/// (`[doc, score, doc, score, ...]`, best first), or the term a word leads to.
#[derive(Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Entry<'a> {
    Postings(Vec<u32>),
    Alias(&'a str),
}

/// Shard key → (key → entry).
pub type Shards<'a> = BTreeMap<String, BTreeMap<&'a str, Entry<'a>>>;

/// The narrowest shard a word can live in: its first three characters.
pub fn shard_key(word: &str) -> String {
    word.chars().take(3).collect()
}

/// The shard a word is looked up in, as the browser picks it: its first three characters
/// when there is such a shard, else its first two.
pub fn shard_of(shards: &Shards, word: &str) -> String {
    let three = shard_key(word);
    if shards.contains_key(&three) {
        three
    } else {
        word.chars().take(2).collect()
    }
}

/// The entries of `index`, in shards.
pub fn shards(index: &Index) -> Shards<'_> {
    let entries = || {
        let terms = index.terms.iter().map(|(t, list)| (t.as_str(), Some(list), None));
        let aliases = index.aliases.iter().map(|(w, t)| (w.as_str(), None, Some(t.as_str())));
        terms.chain(aliases)
    };
    // Roughly the bytes an entry takes in its shard.
    let size = |key: &str, list: Option<&Vec<(u32, u32)>>, alias: Option<&str>| {
        key.len() + 4 + list.map_or(0, |l| l.len() * 9) + alias.map_or(0, |a| a.len() + 2)
    };
    let mut by_two: BTreeMap<String, usize> = BTreeMap::new();
    for (key, list, alias) in entries() {
        *by_two.entry(key.chars().take(2).collect()).or_default() += size(key, list, alias);
    }
    let mut out: Shards = BTreeMap::new();
    for (key, list, alias) in entries() {
        let two: String = key.chars().take(2).collect();
        let split = by_two.get(&two).is_some_and(|&bytes| bytes > SHARD_BYTES);
        let shard = if split { shard_key(key) } else { two };
        let entry = match (list, alias) {
            (Some(list), _) => Entry::Postings(list.iter().flat_map(|&(d, s)| [d, s]).collect()),
            (None, Some(term)) => Entry::Alias(term),
            (None, None) => continue,
        };
        out.entry(shard).or_default().insert(key, entry);
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

    #[test]
    fn shard_files_are_named_by_hex() {
        assert_eq!(shard_key("postgres"), "pos");
        assert_eq!(shard_key("pg"), "pg");
        assert_eq!(hex("pos"), "706f73");
        assert_eq!(shard_key("überprüfung"), "übe");
    }

    #[test]
    fn words_lead_to_their_terms_in_the_shards() {
        let mut index = Index::default();
        index.terms.insert("backup".into(), vec![(3, 40), (1, 20)]);
        index.aliases.insert("backups".into(), "backup".into());
        let shards = shards(&index);
        let shard = &shards[&shard_of(&shards, "backups")];
        assert_eq!(shard.get("backups"), Some(&Entry::Alias("backup")));
        assert_eq!(shard.get("backup"), Some(&Entry::Postings(vec![3, 40, 1, 20])));
        assert_eq!(
            serde_json::to_string(shard).ok().as_deref(),
            Some(r#"{"backup":[3,40,1,20],"backups":"backup"}"#)
        );
    }
}
