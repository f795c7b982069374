//! Highlighting line by line, remembering each line's result. Runbooks repeat lines across
//! pages (`set -euo pipefail`, the same `kubectl` call for another service): a line parsed in
//! the same syntax from the same parser state and scope stack always gives the same HTML and
//! the same state after it, so it is parsed once per thread and reused. This is what
//! syntect's `ClassedHTMLGenerator` does, with the memo in front of `parse_line`.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};
use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Past this many remembered lines a thread forgets them all and starts again, so that a
/// long-running `serve` holds a bounded memo.
const MAX_LINES: usize = 50_000;

/// One line highlighted from one starting point.
struct Line {
    syntax: usize,
    text: Box<str>,
    state: ParseState,
    stack: ScopeStack,
    html: Box<str>,
    delta: isize,
    state_after: ParseState,
    stack_after: ScopeStack,
}

#[derive(Default)]
struct Memo {
    lines: FxHashMap<u64, Vec<Line>>,
    count: usize,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Forgets every remembered line of every thread of the pool: a build that has highlighted
/// all its code frees the memo for what comes next.
pub fn forget_all() {
    rayon::broadcast(|_| MEMO.with(|memo| *memo.borrow_mut() = Memo::default()));
}

fn key(syntax: usize, line: &str) -> u64 {
    let mut h = FxHasher::default();
    syntax.hash(&mut h);
    line.hash(&mut h);
    h.finish()
}

/// The class-styled HTML of `code` (whose lines end with their newlines), with every opened
/// span closed; `None` when syntect fails on a line (the caller prints the code plain).
pub fn highlight_lines(code: &str, syntax: &SyntaxReference, set: &SyntaxSet, style: ClassStyle) -> Option<String> {
    // Syntaxes are told apart by their place in the set, which lives for the whole process.
    let id = syntax as *const SyntaxReference as usize;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut open: isize = 0;
    let mut html = String::with_capacity(code.len() * 3);
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        for text in LinesWithEndings::from(code) {
            let k = key(id, text);
            let known = memo.lines.get(&k).and_then(|lines| {
                lines
                    .iter()
                    .find(|l| l.syntax == id && &*l.text == text && l.state == state && l.stack == stack)
            });
            if let Some(line) = known {
                html.push_str(&line.html);
                open += line.delta;
                state.clone_from(&line.state_after);
                stack.clone_from(&line.stack_after);
                continue;
            }
            let (state_before, stack_before) = (state.clone(), stack.clone());
            let ops = state.parse_line(text, set).ok()?;
            let (line_html, delta) = line_tokens_to_classed_spans(text, &ops, style, &mut stack).ok()?;
            html.push_str(&line_html);
            open += delta;
            if memo.count >= MAX_LINES {
                memo.lines.clear();
                memo.count = 0;
            }
            memo.count += 1;
            memo.lines.entry(k).or_default().push(Line {
                syntax: id,
                text: text.into(),
                state: state_before,
                stack: stack_before,
                html: line_html.into(),
                delta,
                state_after: state.clone(),
                stack_after: stack.clone(),
            });
        }
        for _ in 0..open.max(0) {
            html.push_str("</span>");
        }
        Some(html)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::html::ClassedHTMLGenerator;

    fn plain_syntect(code: &str, syntax: &SyntaxReference, set: &SyntaxSet, style: ClassStyle) -> String {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, style);
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).unwrap();
        }
        generator.finalize()
    }

    #[test]
    fn remembered_lines_give_what_syntect_gives_in_every_context() {
        let set = SyntaxSet::load_defaults_newlines();
        let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
        let python = set.find_syntax_by_token("python").unwrap();
        let bash = set.find_syntax_by_token("bash").unwrap();
        // The same line as code, inside a docstring, and in another language: each must be
        // highlighted for where it stands, not as it was first seen.
        let line = "x = run(\"a\")  # note\n";
        let blocks = [
            (python, format!("{line}{line}")),
            (python, format!("\"\"\"\n{line}\"\"\"\n{line}")),
            (bash, format!("{line}cat <<EOF\n{line}EOF\n{line}")),
            (python, format!("def f():\n    '''{line}{line}'''\n{line}")),
            (python, "s = \"unterminated\n".to_string()),
        ];
        for _ in 0..2 {
            for (syntax, code) in &blocks {
                let ours = highlight_lines(code, syntax, &set, style).unwrap();
                assert_eq!(ours, plain_syntect(code, syntax, &set, style), "{code}");
            }
        }
    }
}
