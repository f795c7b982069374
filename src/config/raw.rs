//! `book.toml` as serde reads it, before [`super::resolve`] fills in defaults: every table
//! denies unknown keys, so a typo gets TOML's line and column and the list of valid keys.

use serde::Deserialize;

use super::BrokenLinks;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) book: RawBook,
    #[serde(default)]
    pub(super) site: RawSite,
    #[serde(default)]
    pub(super) build: RawBuild,
    #[serde(default)]
    pub(super) runbooks: RawRunbooks,
    #[serde(default)]
    pub(super) serve: RawServe,
    #[serde(default)]
    pub(super) urls: RawUrls,
    #[serde(default)]
    pub(super) progress: RawProgress,
    #[serde(default)]
    pub(super) print: RawPrint,
    #[serde(default)]
    pub(super) params: toml::Table,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBook {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawSite {
    pub(super) url: Option<String>,
    pub(super) cname: Option<String>,
    pub(super) edit_url: Option<String>,
    pub(super) history_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawBuild {
    pub(super) content: Option<String>,
    pub(super) output: Option<String>,
    pub(super) theme: Option<String>,
    pub(super) checklist: Option<String>,
    pub(super) lowercase_urls: Option<bool>,
    pub(super) allow_raw_html: Option<bool>,
    pub(super) trusted_assets: Option<Vec<String>>,
    pub(super) ignore: Option<Vec<String>>,
    pub(super) broken_links: Option<BrokenLinks>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawRunbooks {
    pub(super) stale_after_days: Option<u32>,
    pub(super) alert_pages: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServe {
    pub(super) host: Option<String>,
    pub(super) port: Option<u16>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUrls {
    pub(super) sections: Option<String>,
    pub(super) tasks: Option<String>,
    pub(super) alerts: Option<String>,
    pub(super) badges: Option<String>,
    pub(super) print: Option<String>,
    pub(super) search: Option<String>,
    pub(super) owners: Option<String>,
    pub(super) activities: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawProgress {
    pub(super) stalled_after_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrint {
    pub(super) order: Option<Vec<PrintKind>>,
}

/// A kind of page, as `[print] order` names it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum PrintKind {
    Dr,
    Runbook,
    Troubleshooting,
    Faq,
    Guide,
}

impl PrintKind {
    pub(super) fn id(self) -> &'static str {
        match self {
            PrintKind::Dr => "dr",
            PrintKind::Runbook => "runbook",
            PrintKind::Troubleshooting => "troubleshooting",
            PrintKind::Faq => "faq",
            PrintKind::Guide => "guide",
        }
    }
}
