//! Highlighting line by line, remembering each line's result. Runbooks repeat lines across
//! pages (`set -euo pipefail`, the same `kubectl` call for another service): a line parsed in
//! the same syntax from the same parser state and scope stack always gives the same HTML and
//! the same state after it, so it is parsed once per thread and reused.
//!
//! A line's HTML is a span per run of tokens with the same [`palette::classes`] (whitespace
//! joins its neighbour), and plain text where no theme styles it; no span crosses a line.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHasher};
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::palette;

/// Past this many remembered lines (or parser states) a thread forgets them all and starts
/// again, so that a long-running `serve` holds a bounded memo.
const MAX_LINES: usize = 50_000;
const MAX_STATES: usize = 5_000;

/// One line highlighted from one starting point (a state of [`Memo::states`]).
struct Line {
    state: u32,
    text: Box<str>,
    html: Box<str>,
    /// The state after the line.
    after: u32,
}

/// Where a line's parse starts and ends: the parser's state and the scopes open. The few
/// states a syntax goes through are kept once, and lines refer to them by number, so that a
/// line seen before costs a lookup and no copy of the parser's state.
struct State {
    syntax: usize,
    parse: ParseState,
    stack: ScopeStack,
}

#[derive(Default)]
struct Memo {
    lines: FxHashMap<u64, Vec<Line>>,
    states: Vec<State>,
    /// The states by a hash of their syntax and scopes.
    state_index: FxHashMap<u64, Vec<u32>>,
    count: usize,
    /// The classes of each scope stack met, which takes matching every theme rule to find.
    classes: FxHashMap<Vec<Scope>, Rc<str>>,
}

impl Memo {
    /// The number of a state, added if it is new.
    fn state(&mut self, syntax: usize, parse: &ParseState, stack: &ScopeStack) -> u32 {
        let mut h = FxHasher::default();
        syntax.hash(&mut h);
        stack.as_slice().hash(&mut h);
        let same = self.state_index.entry(h.finish()).or_default();
        let found = same.iter().copied().find(|&i| {
            let s = &self.states[i as usize];
            s.syntax == syntax && s.stack == *stack && s.parse == *parse
        });
        found.unwrap_or_else(|| {
            let i = self.states.len() as u32;
            self.states.push(State {
                syntax,
                parse: parse.clone(),
                stack: stack.clone(),
            });
            same.push(i);
            i
        })
    }
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Forgets every remembered line of every thread of the pool: a build that has highlighted
/// all its code frees the memo for what comes next.
pub fn forget_all() {
    rayon::broadcast(|_| MEMO.with(|memo| *memo.borrow_mut() = Memo::default()));
}

fn key(state: u32, line: &str) -> u64 {
    let mut h = FxHasher::default();
    state.hash(&mut h);
    line.hash(&mut h);
    h.finish()
}

/// The HTML of `code` (whose lines end with their newlines); `None` when syntect fails on a
/// line (the caller prints the code plain).
pub fn highlight_lines(code: &str, syntax: &SyntaxReference, set: &SyntaxSet) -> Option<String> {
    // Syntaxes are told apart by their place in the set, which lives for the whole process.
    let id = syntax as *const SyntaxReference as usize;
    let mut html = String::with_capacity(code.len() * 2);
    MEMO.with(|memo| {
        let memo = &mut *memo.borrow_mut();
        if memo.count >= MAX_LINES || memo.states.len() >= MAX_STATES {
            *memo = Memo::default();
        }
        let mut state = memo.state(id, &ParseState::new(syntax), &ScopeStack::new());
        for text in LinesWithEndings::from(code) {
            let k = key(state, text);
            let known = memo
                .lines
                .get(&k)
                .and_then(|lines| lines.iter().find(|l| l.state == state && &*l.text == text));
            if let Some(line) = known {
                html.push_str(&line.html);
                state = line.after;
                continue;
            }
            let from = memo.states.get(state as usize)?;
            let (mut parse, mut stack) = (from.parse.clone(), from.stack.clone());
            let ops = parse.parse_line(text, set).ok()?;
            let start = html.len();
            line_html(text, &ops, &mut stack, &mut memo.classes, &mut html)?;
            let after = memo.state(id, &parse, &stack);
            memo.count += 1;
            memo.lines.entry(k).or_default().push(Line {
                state,
                text: text.into(),
                html: html[start..].into(),
                after,
            });
            state = after;
        }
        Some(html)
    })
}

/// Appends one line's HTML, applying its scope operations to `stack`.
fn line_html(
    text: &str,
    ops: &[(usize, ScopeStackOp)],
    stack: &mut ScopeStack,
    known: &mut FxHashMap<Vec<Scope>, Rc<str>>,
    out: &mut String,
) -> Option<()> {
    // The run of text being gathered under one set of classes: [start, end).
    let mut run: (Rc<str>, usize, usize) = (Rc::from(""), 0, 0);
    let mut at = 0;
    let ends = ops.iter().map(|(i, op)| (*i, Some(op))).chain([(text.len(), None)]);
    for (end, op) in ends {
        let end = end.min(text.len());
        if end > at {
            let classes = match known.get(stack.as_slice()) {
                Some(c) => c.clone(),
                None => {
                    let c: Rc<str> = palette::classes(stack.as_slice()).into();
                    known.insert(stack.as_slice().to_vec(), c.clone());
                    c
                }
            };
            let blank = text.get(at..end)?.trim().is_empty();
            let joins = run.2 == run.1
                || run.0 == classes
                || (blank && palette::invisible_on_space(&classes) && palette::invisible_on_space(&run.0));
            if !joins {
                write_run(&run.0, text.get(run.1..run.2)?, out);
                run = (classes, at, at);
            } else if run.2 == run.1 {
                run.0 = classes;
            }
            run.2 = end;
            at = end;
        }
        if let Some(op) = op {
            stack.apply(op).ok()?;
        }
    }
    write_run(&run.0, text.get(run.1..run.2)?, out);
    Some(())
}

fn write_run(classes: &str, text: &str, out: &mut String) {
    if text.is_empty() {
        return;
    }
    if classes.is_empty() {
        crate::escape::escape_into(out, text);
    } else {
        out.push_str("<span class=\"");
        out.push_str(classes);
        out.push_str("\">");
        crate::escape::escape_into(out, text);
        out.push_str("</span>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::easy::HighlightLines;
    use syntect::highlighting::FontStyle;

    /// Each character of highlighted HTML with the classes of the span holding it.
    fn characters(html: &str) -> Vec<(char, String)> {
        let mut out = Vec::new();
        let mut classes = String::new();
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("<span class=\"") {
                let end = after.find("\">").unwrap();
                classes = after[..end].to_string();
                rest = &after[end + 2..];
            } else if let Some(after) = rest.strip_prefix("</span>") {
                classes.clear();
                rest = after;
            } else {
                let entities = [
                    ("&amp;", '&'),
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&quot;", '"'),
                    ("&#39;", '\''),
                ];
                let (c, len) = entities
                    .iter()
                    .find(|(e, _)| rest.starts_with(e))
                    .map(|(e, c)| (*c, e.len()))
                    .unwrap_or_else(|| {
                        let c = rest.chars().next().unwrap();
                        (c, c.len_utf8())
                    });
                out.push((c, classes.clone()));
                rest = &rest[len..];
            }
        }
        out
    }

    fn blocks(set: &SyntaxSet) -> Vec<(&SyntaxReference, String)> {
        let python = set.find_syntax_by_token("python").unwrap();
        let bash = set.find_syntax_by_token("bash").unwrap();
        let yaml = set.find_syntax_by_token("yaml").unwrap();
        let sql = set.find_syntax_by_token("sql").unwrap();
        // The same line as code, inside a docstring, and in another language: each must be
        // highlighted for where it stands, not as it was first seen.
        let line = "x = run(\"a\")  # note <b>&amp;\n";
        vec![
            (python, format!("{line}{line}")),
            (python, format!("\"\"\"\n{line}\"\"\"\n{line}")),
            (bash, format!("{line}cat <<EOF\n{line}EOF\n{line}")),
            (python, format!("def f():\n    '''{line}{line}'''\n{line}")),
            (python, "s = \"unterminated\n".to_string()),
            (
                bash,
                "set -euo pipefail\nkubectl -n prod get pods --field-selector=status.phase!=Running\n".to_string(),
            ),
            (
                yaml,
                "groups:\n  - name: x # c\n    rules: [a, 'b', \"c\"]\n".to_string(),
            ),
            (
                sql,
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle'; -- n\n".to_string(),
            ),
            // Windows line endings, accents, an emoji, a tab and no final newline.
            (
                python,
                "s = 'héllo wörld 🚀'\r\n\tprint(s)  # ünïcode\r\nx = 1".to_string(),
            ),
        ]
    }

    #[test]
    fn every_character_has_the_colour_and_font_syntect_gives_it_in_both_themes() {
        let set = SyntaxSet::load_defaults_newlines();
        for _ in 0..2 {
            for (syntax, code) in blocks(&set) {
                let ours = characters(&highlight_lines(&code, syntax, &set).unwrap());
                for dark in [false, true] {
                    let theme = palette::theme(dark);
                    let mut reference = HighlightLines::new(syntax, theme);
                    let mut expected = Vec::new();
                    for line in LinesWithEndings::from(&code) {
                        for (style, text) in reference.highlight_line(line, &set).unwrap() {
                            expected.extend(text.chars().map(|c| (c, style)));
                        }
                    }
                    assert_eq!(ours.len(), expected.len(), "{code}");
                    for ((c, classes), (e, style)) in ours.iter().zip(&expected) {
                        assert_eq!(c, e, "{code}");
                        if c.is_whitespace() {
                            continue;
                        }
                        let (fg, font) = palette::style_of(classes, dark);
                        let default = theme.settings.foreground.unwrap();
                        assert_eq!(fg.unwrap_or(default), style.foreground, "{c:?} ({classes}) in {code}");
                        let want = style.font_style & (FontStyle::BOLD | FontStyle::ITALIC | FontStyle::UNDERLINE);
                        assert_eq!(font, want, "{c:?} ({classes}) in {code}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_remembered_line_gives_what_a_fresh_parse_gives() {
        let set = SyntaxSet::load_defaults_newlines();
        let all = |set: &SyntaxSet| -> Vec<String> {
            blocks(set)
                .iter()
                .map(|(s, c)| highlight_lines(c, s, set).unwrap())
                .collect()
        };
        let first = all(&set);
        let again = all(&set);
        MEMO.with(|m| *m.borrow_mut() = Memo::default());
        let fresh = all(&set);
        assert_eq!(first, again);
        assert_eq!(first, fresh);
        // The same line inside a docstring and as code is highlighted differently.
        let python = blocks(&set)[0].0;
        let in_string = highlight_lines("'''\nx = 1\n'''\n", python, &set).unwrap();
        let as_code = highlight_lines("x = 1\n", python, &set).unwrap();
        assert!(!in_string.contains(&as_code), "{in_string} / {as_code}");
    }
}
