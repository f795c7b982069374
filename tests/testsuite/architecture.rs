//! The shape of the code, held by tests (see ARCHITECTURE.md): modules import each other in
//! no cycle, and no source file grows past about 500 lines without saying why.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its comments and its `#[cfg(test)] mod tests { … }` (tests may
/// reach anywhere).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names: `crate::x::…` and `use crate::{x, y::…}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::c, d::{e, f}}`: the first segment of each top-level entry.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        out.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// Which top-level module each other one uses, read from `src/`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "main" || module == "lib" || rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        graph.entry(module.clone()).or_default().extend(named_modules(&code));
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    for (m, deps) in graph.iter_mut() {
        deps.retain(|d| d != m && known.contains(d));
    }
    graph
}

/// A cycle of the graph, as the path around it (`a → b → a`), if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(m) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = path.iter().position(|p| p == m).unwrap();
                let mut cycle = path[from..].to_vec();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(m.to_string(), Mark::Open);
        path.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, marks, path) {
                return Some(c);
            }
        }
        path.pop();
        marks.insert(m.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for m in graph.keys() {
        if let Some(c) = visit(m, graph, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn modules_import_each_other_in_no_cycle() {
    let graph = module_graph(&src());
    // The reader sees real modules: the pipeline's stages and its leaves.
    for (m, uses) in [("pipeline", "render"), ("render", "site"), ("site", "page")] {
        assert!(graph[m].contains(uses), "{m} should use {uses}: {:?}", graph[m]);
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "modules import each other in a circle: {}\nmove what they share into a leaf module (see ARCHITECTURE.md)",
            cycle.join(" → ")
        );
    }
}

#[test]
fn leaf_modules_import_nothing_of_the_pipeline() {
    let graph = module_graph(&src());
    for leaf in [
        "clock",
        "fingerprint",
        "escape",
        "diagnostic",
        "slug",
        "book_fs",
        "owned_dir",
        "spill",
    ] {
        assert_eq!(graph[leaf], BTreeSet::new(), "{leaf} is a leaf");
    }
    for (m, never) in [
        ("output", "render"),
        ("output", "pipeline"),
        ("sink", "render"),
        ("site", "render"),
        ("render", "pipeline"),
        ("search", "render"),
    ] {
        assert!(!graph[m].contains(never), "{m} must not use {never}");
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let code = "use crate::{b, c::{d, e}};\nfn f() { crate::x::y(); }\n// crate::comment\n";
    assert_eq!(
        named_modules(&code_of(code)),
        ["b", "c", "x"].map(String::from).into_iter().collect()
    );
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec![])]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
            .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}

/// Files longer than this say why in their module doc (`//!`), with the words "one file".
const LONGEST: usize = 520;

#[test]
fn no_source_file_is_long_without_saying_why() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests at the end of a file are not what a reader of the module reads.
        let code = match text.find("#[cfg(test)]\nmod tests {") {
            Some(at) => &text[..at],
            None => &text,
        };
        let lines = code.lines().count();
        let says_why = text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .any(|l| l.contains("one file"));
        if lines > LONGEST && !says_why {
            long.push(format!("{} ({lines} lines)", f.display()));
        }
    }
    assert!(
        long.is_empty(),
        "split these by what they own, or say in their `//!` why they are one file:\n{}",
        long.join("\n")
    );
}

/// The list of generated root files and the renderer agree: a book with every option that
/// adds one (an absolute URL, a CNAME) gets each listed file, and a link to each checks.
#[test]
fn every_listed_root_file_is_written() {
    let book = crate::support::Book::with_files(&[
        (
            "book.toml",
            "[site]\nurl = \"https://acme.github.io/runbooks/\"\ncname = \"runbooks.acme.com\"\n",
        ),
        ("content/checklist.md", "# Checklist\n\n## Section\n\n- `{ }` Task\n"),
    ]);
    book.run(&["build"]).success();
    for (path, _) in opsbook::generated::ROOT_FILES {
        assert!(book.exists(&format!("site/{path}")), "{path} is listed but not written");
    }
}
