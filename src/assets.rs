//! Which files of `content/` may reach the site as they are. Content is data, never code: a
//! file that a browser runs as a page or a script on the book's origin (`.html`, `.js`, `.xml`
//! and the like, as GitHub Pages serves them) is refused with an error at the file, unless a
//! glob of `[build] trusted-assets` names it (reviewed like the theme). An SVG is kept but
//! made safe: it goes through the HTML sanitizer (ammonia) with an allowlist of drawing
//! elements and attributes, so scripts, event handlers, `foreignObject` and `javascript:`
//! links are gone before it is written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::diagnostic::Diagnostic;

/// Any other file under `content/`: copied to the output as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: String,
    pub abs: PathBuf,
    /// How it is written (see this module): copied, or sanitized.
    pub treatment: Treatment,
}

/// How an asset reaches the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Treatment {
    /// Copied byte for byte: passive files (images, PDFs, text) and trusted ones.
    #[default]
    Copy,
    /// An SVG drawing, sanitized when written.
    Svg,
}

/// Extensions of files that browsers run or render as active documents when they are opened
/// from the site: HTML, script, and every XML type (an XML document can hold XHTML script or
/// an XSLT stylesheet). Lowercase, compared without case.
const ACTIVE: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "js", "mjs", "cjs", "xml", "xsl", "xslt", "rss", "atom",
    "rdf", "mathml", "mml", "kml", "gpx", "xsd", "svgz", "swf", "wasm", "appcache",
];

fn extension(rel: &str) -> String {
    Path::new(rel)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The globs of `[build] trusted-assets`, relative to `content/` (`*` stays in one folder,
/// `**` crosses folders).
pub fn trusted_set(globs: &[String]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for g in globs {
        let glob = GlobBuilder::new(g.trim_start_matches('/'))
            .literal_separator(true)
            .build()
            .map_err(|e| format!("`{g}` is not a valid glob: {e}"))?;
        set.add(glob);
    }
    set.build().map_err(|e| e.to_string())
}

/// Decides each asset's treatment: active files not trusted are dropped with an error; SVGs
/// not trusted are marked for sanitizing.
pub fn admit(assets: Vec<Asset>, trusted: &GlobSet, display_prefix: &str) -> (Vec<Asset>, Vec<Diagnostic>) {
    let mut kept = Vec::with_capacity(assets.len());
    let mut diags = Vec::new();
    for mut a in assets {
        if trusted.is_match(&a.rel) {
            kept.push(a);
            continue;
        }
        let ext = extension(&a.rel);
        if ACTIVE.contains(&ext.as_str()) {
            diags.push(
                Diagnostic::error(
                    format!("{display_prefix}/{}", a.rel),
                    0,
                    0,
                    format!("a `.{ext}` file runs as a page or script in the browser, and content never becomes script on the site"),
                )
                .with_hint(format!(
                    "write it as markdown, or move it to the theme's static/ folder; if it was reviewed as code, allow it with `trusted-assets = [\"{}\"]` under [build] in book.toml",
                    a.rel
                )),
            );
            continue;
        }
        if ext == "svg" {
            a.treatment = Treatment::Svg;
            let text = crate::book_fs::read_regular(&a.abs, crate::book_fs::INPUT_LIMIT).unwrap_or_default();
            if svg_has_active_parts(&String::from_utf8_lossy(&text)) {
                diags.push(
                    Diagnostic::warning(
                        format!("{display_prefix}/{}", a.rel),
                        0,
                        0,
                        "this SVG holds script, event handlers or foreignObject: they are removed from the copy on the site",
                    )
                    .with_hint(format!(
                        "remove them from the drawing; if it was reviewed as code, allow it as it is with `trusted-assets = [\"{}\"]` under [build] in book.toml",
                        a.rel
                    )),
                );
            }
        }
        kept.push(a);
    }
    (kept, diags)
}

/// The bytes to write for an asset: `None` to copy the file as it is.
pub fn prepared(asset: &Asset) -> std::io::Result<Option<Vec<u8>>> {
    match asset.treatment {
        Treatment::Copy => Ok(None),
        Treatment::Svg => {
            let bytes = crate::book_fs::read_regular(&asset.abs, crate::book_fs::INPUT_LIMIT)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            Ok(Some(sanitize_svg(&String::from_utf8_lossy(&bytes)).into_bytes()))
        }
    }
}

/// Whether an SVG holds anything the sanitizer removes as active (for a warning): a script,
/// a `foreignObject`, a `javascript:` URL or an `on…=` event handler.
pub fn svg_has_active_parts(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("foreignobject") || lower.contains("javascript:") {
        return true;
    }
    let b = lower.as_bytes();
    lower.match_indices("on").any(|(i, _)| {
        let after_space = i > 0 && b[i - 1].is_ascii_whitespace();
        let name_end = b[i + 2..]
            .iter()
            .position(|c| !c.is_ascii_alphabetic())
            .map_or(b.len(), |p| i + 2 + p);
        let rest = lower[name_end..].trim_start();
        after_space && name_end > i + 2 && rest.starts_with('=')
    })
}

const SVG_TAGS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "switch",
    "title",
    "desc",
    "metadata",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "image",
    "a",
    "marker",
    "clipPath",
    "mask",
    "pattern",
    "linearGradient",
    "radialGradient",
    "stop",
    "style",
    "filter",
    "feGaussianBlur",
    "feOffset",
    "feBlend",
    "feFlood",
    "feComposite",
    "feMerge",
    "feMergeNode",
    "feColorMatrix",
    "feDropShadow",
];

const SVG_ATTRIBUTES: &[&str] = &[
    "xmlns",
    "xmlns:xlink",
    "version",
    "id",
    "class",
    "style",
    "viewBox",
    "preserveAspectRatio",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "d",
    "points",
    "dx",
    "dy",
    "rotate",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "opacity",
    "color",
    "visibility",
    "display",
    "overflow",
    "clip-path",
    "clip-rule",
    "mask",
    "filter",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "alignment-baseline",
    "baseline-shift",
    "letter-spacing",
    "word-spacing",
    "text-decoration",
    "white-space",
    "textLength",
    "lengthAdjust",
    "startOffset",
    "href",
    "xlink:href",
    "markerWidth",
    "markerHeight",
    "markerUnits",
    "refX",
    "refY",
    "orient",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "offset",
    "stop-color",
    "stop-opacity",
    "patternUnits",
    "patternContentUnits",
    "patternTransform",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "filterUnits",
    "primitiveUnits",
    "in",
    "in2",
    "result",
    "stdDeviation",
    "mode",
    "operator",
    "k1",
    "k2",
    "k3",
    "k4",
    "flood-color",
    "flood-opacity",
    "values",
    "type",
    "pointer-events",
    "vector-effect",
    "shape-rendering",
    "text-rendering",
    "image-rendering",
    "paint-order",
    "requiredFeatures",
    "systemLanguage",
    "role",
    "aria-label",
    "aria-hidden",
];

/// An SVG document with everything active removed: only drawing elements and presentation
/// attributes stay, links keep http(s), mailto and in-document `#` targets, and images keep
/// raster `data:` URLs. The output is XML again (html5ever writes no-break spaces as `&nbsp;`,
/// which XML does not know).
pub fn sanitize_svg(text: &str) -> String {
    static BUILDER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    let builder = BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.tags(SVG_TAGS.iter().copied().collect::<HashSet<_>>())
            .generic_attributes(SVG_ATTRIBUTES.iter().copied().collect::<HashSet<_>>())
            .url_schemes(["http", "https", "mailto", "data"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            .clean_content_tags(
                ["script", "foreignObject", "iframe", "object", "embed"]
                    .into_iter()
                    .collect(),
            )
            .attribute_filter(|element, attribute, value| {
                let is_link = attribute == "href" || attribute == "xlink:href";
                if is_link
                    && value
                        .trim_start()
                        .get(..5)
                        .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
                {
                    // Raster images only: a data: SVG or HTML document is another document.
                    let raster = element == "image"
                        && ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"]
                            .iter()
                            .any(|p| value.trim_start().to_ascii_lowercase().starts_with(p));
                    return raster.then(|| value.into());
                }
                if attribute == "style" && value.to_ascii_lowercase().contains("url(") && !value.contains("url(#") {
                    // A style may only point inside the drawing (gradients, markers).
                    return None;
                }
                Some(value.into())
            });
        b
    });
    let body = builder.clean(text).to_string();
    let body = body.replace("&nbsp;", "&#160;");
    let body = body.trim();
    if body.starts_with("<svg") {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n")
    } else {
        // Not an SVG document at all: an empty drawing rather than whatever it was.
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" onload="alert(1)">
<script>alert(2)</script>
<g class="a"><rect x="1" y="2" width="3" height="4" fill="url(#g)"/><text x="5" y="6">A&amp;B&#160;c</text></g>
<a xlink:href="javascript:alert(3)"><circle r="3"/></a>
<a href="https://example.com/"><circle r="4"/></a>
<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(4)"/></body></foreignObject>
<image href="data:text/html,&lt;script&gt;alert(5)&lt;/script&gt;"/>
<SCRIPT>alert(6)</SCRIPT><set attributeName="onclick" to="alert(7)"/><animate attributeName="href" to="javascript:alert(8)"/>
</svg>"##;

    #[test]
    fn an_svg_keeps_its_drawing_and_loses_everything_active() {
        let out = sanitize_svg(HOSTILE);
        for gone in [
            "alert",
            "script",
            "onload",
            "foreignObject",
            "javascript",
            "data:text",
            "<set",
            "<animate",
        ] {
            assert!(
                !out.to_ascii_lowercase().contains(&gone.to_ascii_lowercase()),
                "{gone} in {out}"
            );
        }
        for kept in [
            "xmlns=\"http://www.w3.org/2000/svg\"",
            "viewBox=\"0 0 100 100\"",
            "<rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" fill=\"url(#g)\">",
            "A&amp;B&#160;c",
            "href=\"https://example.com/\"",
        ] {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
        assert!(svg_has_active_parts(HOSTILE));
        assert!(!svg_has_active_parts(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>on call</text></svg>"
        ));
    }

    #[test]
    fn the_sanitized_svg_is_well_formed_xml() {
        let out = sanitize_svg(HOSTILE);
        let mut reader = quick_xml::Reader::from_str(&out);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not XML: {e}\n{out}"),
            }
        }
    }

    #[test]
    fn active_files_are_refused_unless_trusted() {
        let asset = |rel: &str| Asset {
            rel: rel.into(),
            abs: rel.into(),
            treatment: Treatment::Copy,
        };
        let trusted = trusted_set(&["widgets/**".into()]).unwrap();
        let (kept, diags) = admit(
            vec![
                asset("sw.js"),
                asset("x.HTML"),
                asset("feed.xml"),
                asset("widgets/a/b.js"),
                asset("img/d.svg"),
                asset("img/e.png"),
            ],
            &trusted,
            "content",
        );
        let kept: Vec<(&str, Treatment)> = kept.iter().map(|a| (a.rel.as_str(), a.treatment)).collect();
        assert_eq!(
            kept,
            [
                ("widgets/a/b.js", Treatment::Copy),
                ("img/d.svg", Treatment::Svg),
                ("img/e.png", Treatment::Copy)
            ]
        );
        let paths: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["content/sw.js", "content/x.HTML", "content/feed.xml"]);
        assert!(diags[0].hint.as_deref().unwrap_or("").contains("trusted-assets"));
        // `*` stays in one folder.
        let one = trusted_set(&["widgets/*".into()]).unwrap();
        assert!(!one.is_match("widgets/a/b.js"));
        assert!(one.is_match("widgets/b.js"));
    }
}
