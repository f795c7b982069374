//! Progress badges in the shields.io "flat" style, and the shields endpoint document.
//!
//! Text is measured with Verdana's advance widths (what shields uses), rounded up and padded,
//! so a label or message is never clipped whatever its characters.

use serde::Serialize;

/// Verdana advance widths for ASCII 32..=126, in font units (2048 per em).
const VERDANA: [u16; 95] = [
    720, 813, 1047, 1716, 1302, 2217, 1499, 550, 927, 927, 1302, 1716, 745, 863, 745, 1472, // ' '..'/'
    1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 927, 927, 1716, 1716, 1716, 1118, // '0'..'?'
    2134, 1401, 1405, 1427, 1579, 1292, 1178, 1575, 1540, 930, 936, 1423, 1159, 1726, 1532, 1612, // '@'..'O'
    1255, 1612, 1425, 1399, 1243, 1499, 1401, 2028, 1403, 1241, 1399, 927, 1472, 927, 1716, 1302, // 'P'..'_'
    1302, 1229, 1271, 1067, 1271, 1219, 720, 1271, 1296, 562, 676, 1212, 562, 1992, 1296, 1243, // '`'..'o'
    1271, 1271, 874, 1067, 807, 1296, 1212, 1673, 1212, 1212, 1051, 1303, 927, 1303, 1716, // 'p'..'~'
];

/// The width in pixels of `text` in 11px Verdana, rounded up. Characters outside ASCII
/// count as the widest letter, so the badge errs on the wide side.
pub fn text_width(text: &str) -> u32 {
    let units: u32 = text
        .chars()
        .map(|c| {
            let code = c as u32;
            if (32..=126).contains(&code) {
                u32::from(VERDANA[(code - 32) as usize])
            } else {
                2217
            }
        })
        .sum();
    (units * 11).div_ceil(2048)
}

/// The colour for a percentage, from red at 0 to bright green at 100.
pub fn color_for(percent: f64) -> (&'static str, &'static str) {
    if percent >= 100.0 {
        ("brightgreen", "#4c1")
    } else if percent >= 75.0 {
        ("green", "#97ca00")
    } else if percent >= 50.0 {
        ("yellowgreen", "#a4a61d")
    } else if percent >= 25.0 {
        ("yellow", "#dfb317")
    } else if percent > 0.0 {
        ("orange", "#fe7d37")
    } else {
        ("red", "#e05d44")
    }
}

/// `4.6%`, `20%`, `100%`.
pub fn format_percent(percent: f64) -> String {
    if percent.fract() == 0.0 {
        format!("{percent:.0}%")
    } else {
        format!("{percent:.1}%")
    }
}

fn escape(s: &str) -> String {
    crate::escape::escape_attr(s)
}

/// A flat badge: `label` on grey, `message` on `color`.
pub fn badge_svg(label: &str, message: &str, color: &str) -> String {
    let lw = text_width(label) + 10;
    let mw = text_width(message) + 10;
    let w = lw + mw;
    let (l, m, c) = (escape(label), escape(message), escape(color));
    // Text is drawn at 10x scale, as shields does, for sub-pixel placement.
    let lx = lw * 5;
    let mx = lw * 10 + mw * 5;
    let ltl = (lw - 10) * 10;
    let mtl = (mw - 10) * 10;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"20\" role=\"img\" aria-label=\"{l}: {m}\">\
<title>{l}: {m}</title>\
<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>\
<clipPath id=\"r\"><rect width=\"{w}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>\
<g clip-path=\"url(#r)\"><rect width=\"{lw}\" height=\"20\" fill=\"#555\"/><rect x=\"{lw}\" width=\"{mw}\" height=\"20\" fill=\"{c}\"/><rect width=\"{w}\" height=\"20\" fill=\"url(#s)\"/></g>\
<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" text-rendering=\"geometricPrecision\" font-size=\"110\">\
<text aria-hidden=\"true\" x=\"{lx}\" y=\"150\" fill=\"#010101\" fill-opacity=\".3\" transform=\"scale(.1)\" textLength=\"{ltl}\">{l}</text>\
<text x=\"{lx}\" y=\"140\" transform=\"scale(.1)\" fill=\"#fff\" textLength=\"{ltl}\">{l}</text>\
<text aria-hidden=\"true\" x=\"{mx}\" y=\"150\" fill=\"#010101\" fill-opacity=\".3\" transform=\"scale(.1)\" textLength=\"{mtl}\">{m}</text>\
<text x=\"{mx}\" y=\"140\" transform=\"scale(.1)\" fill=\"#fff\" textLength=\"{mtl}\">{m}</text></g></svg>\n"
    )
}

/// The shields.io endpoint document (`https://img.shields.io/endpoint?url=…`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub schema_version: u8,
    pub label: String,
    pub message: String,
    pub color: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_gives_wider_badge() {
        assert!(text_width("WWW") > text_width("iii"));
        assert_eq!(text_width(""), 0);
        assert!(text_width("ÜÜ") >= text_width("WW"));
    }

    #[test]
    fn svg_escapes_and_sizes() {
        let svg = badge_svg("a<b", "4.6%", "#fe7d37");
        assert!(svg.contains("a&lt;b"));
        assert!(svg.starts_with("<svg"));
        let lw = text_width("a<b") + 10;
        let mw = text_width("4.6%") + 10;
        assert!(svg.contains(&format!("width=\"{}\"", lw + mw)));
    }

    #[test]
    fn percent_format_and_colours() {
        assert_eq!(format_percent(4.6), "4.6%");
        assert_eq!(format_percent(20.0), "20%");
        assert_eq!(color_for(100.0).0, "brightgreen");
        assert_eq!(color_for(0.0).0, "red");
    }
}
