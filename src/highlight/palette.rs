//! The colours of highlighted code. Each token's scope stack is resolved against the light and
//! the dark theme once (syntect's own matching rules), and the token gets short classes naming
//! the result: `l3` is the light theme's fourth colour, `d5` the dark theme's sixth, `lb`/`li`/
//! `lu` bold, italic and underlined in the light theme, `lg2` a light background (and `d…` the
//! same for dark). A token no rule of either theme styles gets no span at all, and inherits
//! the page's code colour.
//!
//! This keeps highlighted code small (a span per coloured token, not one per scope with every
//! scope atom as a class: pages were three times larger) while one stylesheet still serves
//! light and one dark. The classes are numbered from the themes alone, never from the book, so
//! a page's HTML does not depend on what other pages hold.

use std::fmt::Write as _;
use std::sync::OnceLock;

use syntect::highlighting::{Color, FontStyle, Highlighter, StyleModifier, Theme, ThemeSet};
use syntect::parsing::Scope;

/// The code background of the default theme's stylesheet (`--code-bg`), light and dark: the
/// highlighting colours are made readable against these.
pub const LIGHT_CODE_BG: (u8, u8, u8) = (0xf6, 0xf8, 0xfa);
pub const DARK_CODE_BG: (u8, u8, u8) = (0x15, 0x1b, 0x23);

/// One theme made readable, with its text and background colours numbered in the order the
/// theme names them.
struct Side {
    theme: Theme,
    colors: Vec<Color>,
    backgrounds: Vec<Color>,
}

impl Side {
    fn new(themes: &ThemeSet, name: &str, background: (u8, u8, u8)) -> Side {
        let theme = themes
            .themes
            .get(name)
            .map(|t| readable(t.clone(), background))
            .unwrap_or_default();
        let mut colors = Vec::new();
        let mut backgrounds = Vec::new();
        for item in &theme.scopes {
            for (c, list) in [
                (item.style.foreground, &mut colors),
                (item.style.background, &mut backgrounds),
            ] {
                if let Some(c) = c.filter(|c| !list.contains(c)) {
                    list.push(c);
                }
            }
        }
        Side {
            theme,
            colors,
            backgrounds,
        }
    }

    /// Appends this side's classes (prefix `l` or `d`) for a resolved style.
    fn classes(&self, prefix: char, style: &StyleModifier, out: &mut String) {
        let mut add = |class: std::fmt::Arguments| {
            if !out.is_empty() {
                out.push(' ');
            }
            let _ = out.write_fmt(class);
        };
        if let Some(i) = style.foreground.and_then(|c| self.colors.iter().position(|&x| x == c)) {
            add(format_args!("{prefix}{i}"));
        }
        if let Some(i) = style
            .background
            .and_then(|c| self.backgrounds.iter().position(|&x| x == c))
        {
            add(format_args!("{prefix}g{i}"));
        }
        let font = style.font_style.unwrap_or_else(FontStyle::empty);
        for (flag, letter) in [
            (FontStyle::BOLD, 'b'),
            (FontStyle::ITALIC, 'i'),
            (FontStyle::UNDERLINE, 'u'),
        ] {
            if font.contains(flag) {
                add(format_args!("{prefix}{letter}"));
            }
        }
    }

    /// The rules giving each class its colour or font, every selector prefixed with `scope`.
    fn rules(&self, prefix: char, scope: &str, out: &mut String) {
        for (i, c) in self.colors.iter().enumerate() {
            let _ = writeln!(out, "{scope}.highlight .{prefix}{i} {{ color: {}; }}", hex(*c));
        }
        for (i, c) in self.backgrounds.iter().enumerate() {
            let _ = writeln!(
                out,
                "{scope}.highlight .{prefix}g{i} {{ background-color: {}; }}",
                hex(*c)
            );
        }
        let _ = writeln!(out, "{scope}.highlight .{prefix}b {{ font-weight: bold; }}");
        let _ = writeln!(out, "{scope}.highlight .{prefix}i {{ font-style: italic; }}");
        let _ = writeln!(out, "{scope}.highlight .{prefix}u {{ text-decoration: underline; }}");
    }
}

struct Palette {
    light: Side,
    dark: Side,
}

fn palette() -> &'static Palette {
    static PALETTE: OnceLock<Palette> = OnceLock::new();
    PALETTE.get_or_init(|| {
        let themes = ThemeSet::load_defaults();
        Palette {
            light: Side::new(&themes, "InspiredGitHub", LIGHT_CODE_BG),
            dark: Side::new(&themes, "base16-ocean.dark", DARK_CODE_BG),
        }
    })
}

fn highlighters() -> &'static (Highlighter<'static>, Highlighter<'static>) {
    static HIGHLIGHTERS: OnceLock<(Highlighter<'static>, Highlighter<'static>)> = OnceLock::new();
    HIGHLIGHTERS.get_or_init(|| {
        let p = palette();
        (Highlighter::new(&p.light.theme), Highlighter::new(&p.dark.theme))
    })
}

/// The classes of a token under `stack` (empty: no theme styles it). This matches every rule
/// of both themes against the stack, so callers remember the answer per stack.
pub fn classes(stack: &[Scope]) -> Box<str> {
    let p = palette();
    let (light, dark) = highlighters();
    let mut out = String::new();
    p.light.classes('l', &light.style_mod_for_stack(stack), &mut out);
    p.dark.classes('d', &dark.style_mod_for_stack(stack), &mut out);
    out.into()
}

/// Whether a token with these classes may take its neighbour's classes when it is only
/// whitespace: colour and font do not show on a space, a background or an underline does.
pub fn invisible_on_space(classes: &str) -> bool {
    !classes.split(' ').any(|c| c.ends_with('u') || c.get(1..2) == Some("g"))
}

/// The stylesheets for highlighted code: (light, dark). The dark one applies when the reader
/// chose dark, or when the system is dark and the reader chose nothing (the theme toggle sets
/// `data-theme` on the root element); it first takes back whatever the light one gave.
pub fn stylesheets() -> (String, String) {
    let p = palette();
    let mut light =
        String::from("/* Highlighted code, light: classes l<n> (colour), lg<n> (background), lb, li, lu. */\n");
    p.light.rules('l', "", &mut light);
    let mut dark =
        String::from("/* Highlighted code, dark: classes d<n> (colour), dg<n> (background), db, di, du. */\n");
    let dark_rules = |scope: &str, out: &mut String| {
        let _ = writeln!(
            out,
            "{scope}.highlight code span {{ color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; text-decoration: none; }}"
        );
        p.dark.rules('d', scope, out);
    };
    dark_rules(":root[data-theme=dark] ", &mut dark);
    dark.push_str("@media (prefers-color-scheme: dark) {\n");
    dark_rules(":root:not([data-theme=light]) ", &mut dark);
    dark.push_str("}\n");
    (light, dark)
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// WCAG AA asks 4.5:1 between text and its background; a little above, so rounding in the
/// browser cannot drop a colour under it.
const MIN_CONTRAST: f64 = 4.6;

/// The theme with every text colour moved toward black (on a light background) or white (on a
/// dark one) until it reaches [`MIN_CONTRAST`] against `background`. Hues are kept; colours that
/// already pass are left alone.
fn readable(mut theme: Theme, background: (u8, u8, u8)) -> Theme {
    let bg = luminance(background);
    let fix = |c: &mut Color| {
        let target = if bg > 0.18 { 0.0 } else { 255.0 };
        let mut rgb = (c.r, c.g, c.b);
        let mut step = 0;
        while contrast(luminance(rgb), bg) < MIN_CONTRAST && step < 20 {
            step += 1;
            let mix = |v: u8| (f64::from(v) + (target - f64::from(v)) * 0.1).round() as u8;
            rgb = (mix(rgb.0), mix(rgb.1), mix(rgb.2));
        }
        (c.r, c.g, c.b) = rgb;
    };
    if let Some(c) = theme.settings.foreground.as_mut() {
        fix(c);
    }
    for item in &mut theme.scopes {
        if let Some(c) = item.style.foreground.as_mut() {
            fix(c);
        }
    }
    theme
}

/// Relative luminance of an sRGB colour (WCAG 2).
pub fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

pub fn contrast(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi + 0.05) / (lo + 0.05)
}

/// The theme a side's classes come from.
#[cfg(test)]
pub fn theme(dark: bool) -> &'static Theme {
    let p = palette();
    if dark {
        &p.dark.theme
    } else {
        &p.light.theme
    }
}

/// The colour and font a span with `classes` shows in one theme (`None`: the code's own).
#[cfg(test)]
pub fn style_of(classes: &str, dark: bool) -> (Option<Color>, FontStyle) {
    let (side, prefix) = if dark {
        (&palette().dark, "d")
    } else {
        (&palette().light, "l")
    };
    let mut color = None;
    let mut font = FontStyle::empty();
    for class in classes.split(' ').filter_map(|c| c.strip_prefix(prefix)) {
        match class {
            "b" => font |= FontStyle::BOLD,
            "i" => font |= FontStyle::ITALIC,
            "u" => font |= FontStyle::UNDERLINE,
            n if n.starts_with('g') => {}
            n => {
                if let Ok(i) = n.parse::<usize>() {
                    color = side.colors.get(i).copied();
                }
            }
        }
    }
    (color, font)
}
