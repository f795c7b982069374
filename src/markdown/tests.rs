//! Unit tests of the markdown renderer: anchors, links, sanitizing, GFM, code blocks.

use super::*;

fn index() -> LinkIndex {
    LinkIndex::new(
        "/rb/",
        true,
        [("a.md", "a/"), ("dr/restore.md", "dr/restore/")],
        ["img/x.png"],
        vec!["tasks".into()],
    )
}

fn render(text: &str, allow_raw_html: bool) -> RenderedMarkdown {
    let index = index();
    let params = serde_json::Map::new();
    let ctx = MarkdownContext {
        display: "content/a.md",
        rel: "a.md",
        index: &index,
        allow_raw_html,
        params: &params,
    };
    render_markdown(&ctx, text, 0)
}

#[test]
fn headings_get_github_ids_and_anchor_links() {
    let r = render("# Title\n\n## Verify the restore\n\n## Verify the restore\n", false);
    assert_eq!(r.leading_h1.as_deref(), Some("Title"));
    assert!(
        r.html.contains(
            "<h2 id=\"verify-the-restore\">Verify the restore<a class=\"anchor\" href=\"#verify-the-restore\""
        ),
        "{}",
        r.html
    );
    assert!(r.html.contains("id=\"verify-the-restore-1\""), "{}", r.html);
    assert!(r.html.starts_with("<h1 id=\"title\">"), "{}", r.html);
    assert_eq!(&r.html[r.leading_h1_len..r.leading_h1_len + 4], "<h2 ");
}

#[test]
fn links_are_rewritten_and_recorded_with_position() {
    let r = render("text\n\nsee [r](dr/restore.md#verify) and ![x](img/x.png)\n", false);
    assert!(r.html.contains("href=\"/rb/dr/restore/#verify\""), "{}", r.html);
    assert!(r.html.contains("src=\"/rb/img/x.png\""), "{}", r.html);
    assert_eq!(r.links[0].line, 3);
    assert_eq!(r.links[0].col, 5);
}

#[test]
fn broken_link_is_an_error_at_file_line_col() {
    let r = render("# T\n\nsee [r](dr/missing.md)\n", false);
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!((d.path.as_str(), d.line, d.col), ("content/a.md", 3, 5));
}

#[test]
fn bare_urls_are_linked_but_not_in_code() {
    let r = render("Docs: https://example.com/x_(y). and `https://no.link`\n", false);
    assert!(
        r.html
            .contains("<a href=\"https://example.com/x_(y)\">https://example.com/x_(y)</a>."),
        "{}",
        r.html
    );
    assert!(r.html.contains("<code>https://no.link</code>"), "{}", r.html);
}

#[test]
fn raw_html_is_sanitized_with_a_warning() {
    let r = render("<details><summary>More</summary>\n\nok\n\n</details>\n\n<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">x</a>\n", false);
    assert!(r.html.contains("<details>"), "{}", r.html);
    assert!(!r.html.contains("<script"), "{}", r.html);
    assert!(!r.html.contains("javascript:"), "{}", r.html);
    assert!(!r.html.contains("onclick"), "{}", r.html);
    assert_eq!(r.diagnostics.len(), 2, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].line, 7);
}

#[test]
fn raw_html_passes_when_allowed() {
    let r = render("<script>alert(1)</script>\n", true);
    assert!(r.html.contains("<script>alert(1)</script>"));
    assert!(r.diagnostics.is_empty());
}

#[test]
fn gfm_extensions_and_no_smart_punctuation() {
    let r = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ --flag \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: A footnote.\n", false);
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<del>old</del>"));
    assert!(
        r.html.contains("--flag \"quoted\"") || r.html.contains("--flag &quot;quoted&quot;"),
        "{}",
        r.html
    );
    assert!(r.html.contains("type=\"checkbox\""));
    assert!(r.html.contains("footnote"));
}

#[test]
fn code_blocks_are_highlighted_with_copy_button() {
    let r = render("```bash\necho hi\n```\n\n```nosuchlang\n<x>\n```\n", false);
    assert_eq!(r.html.matches("class=\"copy\"").count(), 2);
    assert!(r.html.contains("&lt;x&gt;"));
}

#[test]
fn script_urls_in_markdown_links_are_removed_with_a_warning() {
    let r = render(
        "[a](javascript:alert(1)) ![b](JaVaScRiPt:x) [c](data:text/html,<script>)\n",
        false,
    );
    assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
    assert!(!r.html.contains("data:text"), "{}", r.html);
    assert_eq!(r.diagnostics.len(), 3, "{:?}", r.diagnostics);
    assert!(r
        .diagnostics
        .iter()
        .all(|d| d.severity == crate::diagnostic::Severity::Warning));
}
