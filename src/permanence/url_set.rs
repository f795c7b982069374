//! A sorted set of site paths kept in one buffer. A 10,000-page book publishes about 150,000
//! URLs (pages and their anchors); as separate strings in a hash set they took tens of
//! megabytes and as many allocations, and each comparison of the record with the site was a
//! hash lookup per URL. Sorted, two sets compare in one walk side by side.

use rayon::prelude::*;

#[derive(Debug, Default, Clone)]
pub struct UrlSet {
    text: String,
    /// Each URL's `[start, end)` in `text`, sorted by the URL, each URL once.
    spans: Vec<(usize, usize)>,
}

impl UrlSet {
    /// The URLs of `text` at `spans`, in any order and possibly repeated.
    pub fn new(text: String, mut spans: Vec<(usize, usize)>) -> UrlSet {
        let sorted = spans.windows(2).all(|w| text[w[0].0..w[0].1] < text[w[1].0..w[1].1]);
        if !sorted {
            // Stable merge sort: fast on what is mostly in order already (runs of pages).
            spans.par_sort_by(|a, b| text[a.0..a.1].cmp(&text[b.0..b.1]));
            spans.dedup_by(|b, a| text[a.0..a.1] == text[b.0..b.1]);
        }
        UrlSet { text, spans }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The URL at `i` of the sorted order.
    fn at(&self, i: usize) -> &str {
        let (s, e) = self.spans[i];
        &self.text[s..e]
    }

    /// The URLs, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans.iter().map(|&(s, e)| &self.text[s..e])
    }

    /// Where `url` is in the sorted order, if it is in the set.
    pub fn position(&self, url: &str) -> Option<usize> {
        self.spans.binary_search_by(|&(s, e)| self.text[s..e].cmp(url)).ok()
    }

    pub fn contains(&self, url: &str) -> bool {
        self.position(url).is_some()
    }

    /// Each URL of `self` that `other` lacks, with its place in `self`, in sorted order.
    pub fn missing_from<'a>(&'a self, other: &'a UrlSet) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let mut j = 0;
        (0..self.len()).filter_map(move |i| {
            let url = self.at(i);
            while j < other.len() && other.at(j) < url {
                j += 1;
            }
            (j >= other.len() || other.at(j) != url).then_some((i, url))
        })
    }

    /// Whether every URL of `self` is in `other`.
    pub fn is_subset(&self, other: &UrlSet) -> bool {
        self.len() <= other.len() && self.missing_from(other).next().is_none()
    }

    /// The URLs of both sets that `keep` accepts, sorted, each once.
    pub fn union_where<'a>(&'a self, other: &'a UrlSet, keep: impl Fn(&str) -> bool + 'a) -> Vec<&'a str> {
        let mut out = Vec::with_capacity(self.len() + other.len());
        let (mut i, mut j) = (0, 0);
        loop {
            let here = (i < self.len()).then(|| self.at(i));
            let there = (j < other.len()).then(|| other.at(j));
            let next = match (here, there) {
                (None, None) => break,
                (Some(a), Some(b)) if a == b => {
                    (i, j) = (i + 1, j + 1);
                    a
                }
                (Some(a), Some(b)) if a < b => {
                    i += 1;
                    a
                }
                (Some(a), None) => {
                    i += 1;
                    a
                }
                (_, Some(b)) => {
                    j += 1;
                    b
                }
            };
            if keep(next) {
                out.push(next);
            }
        }
        out
    }
}

/// URLs being written into one buffer.
#[derive(Default)]
pub struct Builder {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Builder {
    /// The URLs `urls_of` gives for each of `items`, made in parallel.
    pub fn of_each<T: Sync>(items: &[T], urls_of: impl Fn(&T, &mut Builder) + Sync) -> Builder {
        let built: Vec<Builder> = items
            .par_chunks(2048)
            .map(|chunk| {
                let mut b = Builder::default();
                for item in chunk {
                    let first = b.spans.len();
                    urls_of(item, &mut b);
                    // An item's URLs sorted: items in order then give a sorted whole.
                    let text = &b.text;
                    b.spans[first..].sort_unstable_by(|x, y| text[x.0..x.1].cmp(&text[y.0..y.1]));
                }
                b
            })
            .collect();
        let mut all = Builder {
            text: String::with_capacity(built.iter().map(|b| b.text.len()).sum()),
            spans: Vec::with_capacity(built.iter().map(|b| b.spans.len()).sum()),
        };
        for b in &built {
            all.append(b);
        }
        all
    }

    /// Adds the URL made of `parts` joined.
    pub fn push(&mut self, parts: &[&str]) {
        let start = self.text.len();
        for p in parts {
            self.text.push_str(p);
        }
        self.spans.push((start, self.text.len()));
    }

    fn append(&mut self, other: &Builder) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.spans
            .extend(other.spans.iter().map(|&(s, e)| (s + base, e + base)));
    }

    pub fn finish(self) -> UrlSet {
        UrlSet::new(self.text, self.spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(urls: &[&str]) -> UrlSet {
        let mut b = Builder::default();
        for u in urls {
            b.push(&[u]);
        }
        b.finish()
    }

    #[test]
    fn urls_given_in_any_order_come_out_sorted_and_once() {
        let s = set(&["/b/", "/a/#x", "/a/", "/b/"]);
        assert_eq!(s.iter().collect::<Vec<_>>(), ["/a/", "/a/#x", "/b/"]);
        assert!(s.contains("/a/#x") && !s.contains("/c/"));
        assert_eq!(s.position("/b/"), Some(2));
    }

    #[test]
    fn two_sets_compare_side_by_side() {
        let old = set(&["/a/", "/gone/", "/z/"]);
        let now = set(&["/a/", "/new/", "/z/", "/zz/"]);
        let missing: Vec<_> = old.missing_from(&now).collect();
        assert_eq!(missing, [(1, "/gone/")]);
        assert!(!now.is_subset(&old));
        assert!(set(&["/a/", "/z/"]).is_subset(&old));
        assert!(set(&[]).is_subset(&old));
        let all = now.union_where(&old, |u| u != "/zz/");
        assert_eq!(all, ["/a/", "/gone/", "/new/", "/z/"]);
    }
}
