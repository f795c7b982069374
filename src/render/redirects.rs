//! Redirects: task links to their runbooks, aliases, alert names. Tasks and alerts make
//! thousands, so the built-in template is written directly.

use super::*;

#[derive(Debug, Serialize)]
pub struct RedirectView {
    pub url: String,
    pub canonical: String,
    pub title: String,
    /// The alert an `/alerts/<Name>/` address was followed for: the page it leads to says
    /// "You came here for <Name>" (kept for that page in the tab's session storage).
    pub alert: Option<String>,
}

/// What the built-in `redirect.html` renders, without tera.
pub fn redirect_html(site: &view::SiteView, v: &RedirectView) -> String {
    use crate::escape::escape_attr as e;
    let url_json = serde_json::to_string(&v.url).unwrap_or_else(|_| "\"/\"".into());
    let note = match &v.alert {
        Some(alert) => format!(
            "try{{sessionStorage.setItem(\"opsbook-alert\",{});}}catch(e){{}}",
            // Alert names are letters, digits, `_`, `-`, `:` and `.` (site/bind.rs checks).
            serde_json::to_string(alert).unwrap_or_default()
        ),
        None => String::new(),
    };
    // The reader's own `#section` follows, unless the redirect names its own.
    let hash = if v.url.contains('#') { "" } else { " + location.hash" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} · {site_title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n<script>{note}location.replace({url_json}{hash});</script>\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = e(site.language),
        title = e(&v.title),
        site_title = e(site.title),
        canonical = e(&v.canonical),
        url = e(&v.url),
    )
}

impl Renderer<'_> {
    pub(super) fn redirect(&self, file: &str, target_path: &str, title: &str) -> Result<Rendered, Diagnostic> {
        self.redirect_for(file, target_path, title, None)
    }

    /// A redirect, for an alert's address when `alert` is given.
    pub(super) fn redirect_for(
        &self,
        file: &str,
        target_path: &str,
        title: &str,
        alert: Option<&str>,
    ) -> Result<Rendered, Diagnostic> {
        let page = target_path.split('#').next().unwrap_or(target_path);
        let v = RedirectView {
            url: self.config.link(target_path),
            canonical: self.config.absolute_url(page),
            title: title.to_string(),
            alert: alert.map(str::to_string),
        };
        // Tasks and alerts make thousands of these: the built-in template is written
        // directly (a test holds the two to the same bytes).
        if !self.theme.overridden.contains_key("redirect.html") {
            return Ok(Rendered::new(file, redirect_html(&self.site_view, &v)));
        }
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_view);
        ctx.insert("redirect", &v);
        let html = self
            .tera
            .render("redirect.html", &ctx)
            .map_err(|e| template_error(self.theme, &e))?;
        Ok(Rendered::new(file, html))
    }
}
