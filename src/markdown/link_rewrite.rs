//! Links of a page rewritten to site URLs through the [`LinkIndex`], with a diagnostic for
//! each that leads nowhere.

use super::*;

pub(super) fn resolve_link(
    ctx: &MarkdownContext<'_>,
    r: &mut RenderedMarkdown,
    dest: &str,
    (line, col): (usize, usize),
    len: usize,
) -> String {
    if !ctx.allow_raw_html && is_script_url(dest) {
        let scheme = dest.split(':').next().unwrap_or("").trim();
        r.diagnostics.push(
            Diagnostic::warning(
                ctx.display,
                line,
                col,
                format!("link to a `{scheme}:` URL removed: it would run in readers' browsers"),
            )
            .with_hint(
                "link to a page or an https:// URL; `allow-raw-html = true` under [build] lets such links through",
            ),
        );
        return "#".to_string();
    }
    if let Some(scheme) = crate::config::disallowed_scheme(dest) {
        // `ttps://…`, `link:https://…`, `file:///…`: no reader's browser follows these.
        r.diagnostics.push(
            Diagnostic::warning(
                ctx.display,
                line,
                col,
                format!("link `{dest}` has the scheme `{scheme}:`, which browsers do not open from a web page"),
            )
            .with_hint("links go to pages of the book (`../dr/restore.md`) or to http, https, mailto or tel URLs: check for a typo")
            .with_len(len),
        );
        return dest.to_string();
    }
    match ctx.index.resolve(ctx.rel, dest) {
        Ok((href, target)) => {
            if let Some(target) = target {
                r.links.push(LinkRef {
                    dest: dest.to_string(),
                    href: href.clone(),
                    target,
                    line,
                    col,
                    len,
                });
            }
            href
        }
        Err(problem) => {
            r.diagnostics.push(
                Diagnostic::error(ctx.display, line, col, problem.message)
                    .with_hint(problem.hint)
                    .with_len(len)
                    .with_code(crate::links::BROKEN_LINK),
            );
            dest.to_string()
        }
    }
}

/// Replaces the destination of a link or image by `f(destination)`; e-mail autolinks and
/// every other event pass unchanged.
pub(super) fn map_dest<'a>(event: Event<'a>, f: impl FnOnce(&str) -> String) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if link_type != LinkType::Email => Event::Start(Tag::Link {
            link_type,
            dest_url: f(&dest_url).into(),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: f(&dest_url).into(),
            title,
            id,
        }),
        other => other,
    }
}
