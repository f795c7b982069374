//! How text becomes index words, the same way on both sides: runs of letters and digits,
//! lowercased, without stop words; camelCase names (`PostgresPrimaryDown`) also by their
//! parts; a title's or heading's adjacent words also joined (`Fail over` is found by
//! `failover`). The index keeps each word's English stem ([`stem`]), so that `backups`,
//! `backup` and `backing` meet.

use std::borrow::Cow;

/// Words shorter or longer than these are not indexed.
pub const MIN_WORD: usize = 2;
const MAX_WORD: usize = 40;
/// Marks the field of a joined pair: it is a word of the field, but does not make the field
/// longer (its two words are counted already).
pub const JOINED: u8 = 0x80;
/// Joined pairs longer than this are not indexed (nobody types them as one word).
const MAX_JOINED: usize = 24;

/// Words too common to search by (each of at most four letters, see [`pack`]).
pub const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "into", "is", "it", "its", "of", "on", "or",
    "so", "that", "the", "then", "this", "to", "was", "were", "will", "with",
];

/// Stems kept per thread: a book repeats its words across thousands of pages, and a word is
/// stemmed once per thread instead of once per chunk of pages (`None`: its own stem).
const STEMS_KEPT: usize = 200_000;

thread_local! {
    static ENGLISH: rust_stemmers::Stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    static STEMS: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, Option<Box<str>>>> = Default::default();
}

/// The term the index keeps for a word: its English stem when it is a word of four or more
/// ASCII letters (`replication` → `replic`), else the word itself (`5432`, `pg`, `überprüfung`).
pub fn stem(word: &str) -> Cow<'_, str> {
    if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Cow::Borrowed(word);
    }
    let known = STEMS.with(|m| m.borrow().get(word).map(|s| s.as_deref().map(str::to_string)));
    let stemmed = match known {
        Some(stemmed) => stemmed,
        None => {
            let stemmed = ENGLISH.with(|s| s.stem(word).into_owned());
            let stemmed = (stemmed.len() >= 2 && stemmed != word).then_some(stemmed);
            STEMS.with(|m| {
                let mut m = m.borrow_mut();
                if m.len() < STEMS_KEPT {
                    m.insert(word.into(), stemmed.as_deref().map(Into::into));
                }
            });
            stemmed
        }
    };
    match stemmed {
        Some(s) => Cow::Owned(s),
        None => Cow::Borrowed(word),
    }
}

/// The words of `text` as the index holds them before stemming: lowercased runs of letters
/// and digits, and the parts of camelCase words.
pub fn index_words(text: &str, mut each: impl FnMut(String)) {
    let mut buf = String::new();
    let mut ranges = Vec::new();
    tokenize(text, 0, false, &mut buf, &mut ranges);
    for (start, end, _) in ranges {
        each(buf[start as usize..end as usize].to_string());
    }
}

/// Appends the index words of `text` to `buf`, and where each lies in it (with `field`) to
/// `ranges`: one buffer per document instead of a string per word. With `join`, each two
/// adjacent words of letters (apart by spaces or a hyphen) are also added as one.
pub fn tokenize(text: &str, field: u8, join: bool, buf: &mut String, ranges: &mut Vec<(u32, u32, u8)>) {
    if join {
        joined_pairs(text, |pair| push_ascii(pair, field | JOINED, buf, ranges));
    }
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

/// Each two adjacent ASCII words of letters in `text`, apart by spaces or one hyphen, as one
/// word (`Fail over` → `Failover`, `fail-over` → `failover`).
fn joined_pairs(text: &str, mut each: impl FnMut(&str)) {
    let words: Vec<&str> = text.split([' ', '-']).collect();
    let mut pair = String::new();
    for two in words.windows(2) {
        let [a, b] = [two[0], two[1]];
        let letters = |w: &str| {
            w.len() >= 2
                && w.bytes().all(|c| c.is_ascii_alphabetic())
                && !(w.len() <= 4 && STOP_PACKED.contains(&pack(w.as_bytes())))
        };
        if letters(a) && letters(b) && a.len() + b.len() <= MAX_JOINED {
            pair.clear();
            pair.push_str(a);
            pair.push_str(b);
            each(&pair);
        }
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
pub fn ascii_camel_parts(word: &str, mut each: impl FnMut(&str)) {
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
/// indexed too; no stems: the index maps the words it has seen to theirs).
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
pub fn camel_parts(word: &str) -> Vec<&str> {
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

    #[test]
    fn titles_are_also_found_by_adjacent_words_joined() {
        let mut buf = String::new();
        let mut ranges = Vec::new();
        tokenize("Fail over to the standby region", 0, true, &mut buf, &mut ranges);
        let got: Vec<&str> = ranges.iter().map(|&(s, e, _)| &buf[s as usize..e as usize]).collect();
        assert!(got.contains(&"failover"), "{got:?}");
        assert!(got.contains(&"standbyregion"), "{got:?}");
        assert!(!got.contains(&"overto"), "stop words are not joined: {got:?}");
        assert!(got.contains(&"fail") && got.contains(&"standby"), "{got:?}");
        buf.clear();
        ranges.clear();
        tokenize("Fail over", 0, false, &mut buf, &mut ranges);
        assert_eq!(ranges.len(), 2, "body text is not joined");
    }

    #[test]
    fn word_forms_share_a_stem_and_names_keep_theirs() {
        assert_eq!(stem("backups"), stem("backup"));
        assert_eq!(stem("restoring"), stem("restored"));
        assert_eq!(stem("replication"), "replic");
        for kept in ["pg", "5432", "v1beta1", "überprüfung", "dba"] {
            assert_eq!(stem(kept), kept);
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

    #[test]
    fn query_words_match_how_the_index_splits() {
        assert_eq!(query_words("PostgresPrimaryDown"), ["postgresprimarydown"]);
        assert_eq!(
            query_words("pg_stat_replication lag"),
            ["pg", "stat", "replication", "lag"]
        );
        assert_eq!(query_words("a ! ?"), Vec::<String>::new());
    }
}
