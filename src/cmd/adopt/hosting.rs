//! Where an adopted repository is read on the web, from its git `origin`: the address of a
//! page's editor, so that the site gets "Edit this page" and history links. Only GitHub and
//! GitLab, whose addresses are known. A user name or token in the remote's URL is never kept:
//! only the host and the repository's path are, and only when they look like one.

use std::path::Path;

/// A repository on GitHub or GitLab, as its web pages address it.
#[derive(Debug, PartialEq)]
pub struct Hosted {
    /// `https://github.com/acme/runbooks`.
    pub web: String,
    /// The branch pages are edited on.
    pub branch: String,
    /// The book's folder within the repository (`""` at its root, else ending in `/`).
    pub prefix: String,
    gitlab: bool,
}

impl Hosted {
    /// The `[site] edit-url` for pages under `content` (relative to the book).
    pub fn edit_url(&self, content: &str) -> String {
        self.page_url(if self.gitlab { "-/edit" } else { "edit" }, content)
    }

    /// The `[site] history-url`: written too, since a folder or branch named `edit` would
    /// make it ambiguous to derive from the edit URL.
    pub fn history_url(&self, content: &str) -> String {
        self.page_url(if self.gitlab { "-/commits" } else { "commits" }, content)
    }

    fn page_url(&self, view: &str, content: &str) -> String {
        let content = match content {
            "." | "" => String::new(),
            c => format!("{}/", c.trim_end_matches('/')),
        };
        format!("{}/{view}/{}/{}{content}{{path}}", self.web, self.branch, self.prefix)
    }
}

/// The repository around `root`, when git knows its origin and it is on GitHub or GitLab.
pub fn find(root: &Path) -> Option<Hosted> {
    // Through the history reader's git, which keeps the repository's configuration from
    // running programs.
    let git = |args: &[&str]| crate::history::git::git(root, args).map(|out| out.trim().to_string());
    let (web, gitlab) = web_address(&git(&["remote", "get-url", "origin"])?)?;
    // The branch the remote calls its default, else the one checked out.
    let branch = git(&["symbolic-ref", "--short", "refs/remotes/origin/HEAD"])
        .and_then(|b| b.strip_prefix("origin/").map(str::to_string))
        .or_else(|| git(&["branch", "--show-current"]))
        .filter(|b| is_plain_path(b))?;
    let prefix = git(&["rev-parse", "--show-prefix"]).unwrap_or_default();
    if !(prefix.is_empty() || is_plain_path(prefix.trim_end_matches('/'))) {
        return None;
    }
    Some(Hosted {
        web,
        branch,
        prefix,
        gitlab,
    })
}

/// `https://github.com/acme/runbooks` (and whether it is GitLab) from a remote URL in any of
/// git's forms: `git@github.com:acme/runbooks.git`, `ssh://git@github.com/acme/runbooks`,
/// `https://user:token@gitlab.com/group/sub/runbooks.git`.
fn web_address(remote: &str) -> Option<(String, bool)> {
    let rest = match remote.split_once("://") {
        Some(("https" | "http" | "ssh" | "git", rest)) => rest,
        Some(_) => return None,
        // scp-like: `[user@]host:path`.
        None => remote,
    };
    // Whatever comes before the host's `@` (a user name, a token) is dropped.
    let (authority, path) = if remote.contains("://") {
        rest.split_once('/')?
    } else {
        rest.split_once(':')?
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split_once(':').map_or(host, |(h, _)| h).to_ascii_lowercase();
    let gitlab = match host.as_str() {
        "github.com" | "www.github.com" => false,
        "gitlab.com" | "www.gitlab.com" => true,
        _ => return None,
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let segments = path.split('/').count();
    let shape = if gitlab { segments >= 2 } else { segments == 2 };
    (shape && is_plain_path(path)).then(|| (format!("https://{}/{path}", host.trim_start_matches("www.")), gitlab))
}

/// Letters, digits, `.`, `_`, `-` and `/` only, with no empty, `.` or `..` segment: a path
/// that is written into a URL as it is.
fn is_plain_path(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
        && s.split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && seg != "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_in_every_form_give_the_web_address_without_credentials() {
        let github = Some(("https://github.com/acme/runbooks".to_string(), false));
        for remote in [
            "git@github.com:acme/runbooks.git",
            "ssh://git@github.com/acme/runbooks.git",
            "ssh://git@github.com:22/acme/runbooks",
            "https://github.com/acme/runbooks",
            "https://github.com/acme/runbooks.git/",
            "https://x-access-token:ghp_secret@github.com/acme/runbooks.git",
            "https://GitHub.com/acme/runbooks",
        ] {
            assert_eq!(web_address(remote), github, "{remote}");
        }
        assert_eq!(
            web_address("https://oauth2:glpat-secret@gitlab.com/ops/platform/runbooks.git"),
            Some(("https://gitlab.com/ops/platform/runbooks".to_string(), true))
        );
        for remote in [
            "https://git.example.com/acme/runbooks.git",
            "/srv/git/runbooks.git",
            "file:///srv/git/runbooks",
            "https://github.com/acme",
            "https://github.com/acme/run books",
            "https://github.com/acme/../runbooks",
            "https://github.com/acme/runbooks\"><script>",
            "https://gitlab.com/ops/runbooks/-/tree/main",
        ] {
            assert_eq!(web_address(remote), None, "{remote}");
        }
    }

    #[test]
    fn the_edit_url_names_the_branch_and_where_the_content_is() {
        let mut hosted = Hosted {
            web: "https://github.com/acme/runbooks".into(),
            branch: "main".into(),
            prefix: String::new(),
            gitlab: false,
        };
        assert_eq!(
            hosted.edit_url("docs"),
            "https://github.com/acme/runbooks/edit/main/docs/{path}"
        );
        assert_eq!(
            hosted.edit_url("."),
            "https://github.com/acme/runbooks/edit/main/{path}"
        );
        hosted.branch = "edit".into();
        assert_eq!(
            hosted.history_url("edit"),
            "https://github.com/acme/runbooks/commits/edit/edit/{path}"
        );
        hosted.branch = "main".into();
        hosted.prefix = "ops/book/".into();
        hosted.gitlab = true;
        assert_eq!(
            hosted.edit_url("docs"),
            "https://github.com/acme/runbooks/-/edit/main/ops/book/docs/{path}"
        );
    }
}
