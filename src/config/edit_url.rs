//! A page's history address, made from its edit address when `[site] history-url` is not set.

/// The history page of a file from its edit page: GitHub's and GitLab's `…/edit/<branch>/…`
/// is `…/commits/<branch>/…`. Empty for any other form.
pub(super) fn history_from_edit_url(edit_url: &str) -> String {
    if !edit_url.contains("{path}") {
        return String::new();
    }
    // GitLab's `/-/edit/` comes once; GitHub's `/edit/` is the third part of the path (after
    // the owner and the repository), whatever the branch or the folders are called.
    if let Some(i) = edit_url.find("/-/edit/") {
        return format!("{}/-/commits/{}", &edit_url[..i], &edit_url[i + 8..]);
    }
    let path_start = edit_url
        .find("://")
        .and_then(|s| edit_url[s + 3..].find('/').map(|p| s + 3 + p))
        .unwrap_or(0);
    let third = edit_url[path_start..]
        .match_indices('/')
        .nth(2)
        .map(|(i, _)| path_start + i)
        .filter(|&i| edit_url[i..].starts_with("/edit/"));
    match third.or_else(|| edit_url.rfind("/edit/")) {
        Some(i) => format!("{}/commits/{}", &edit_url[..i], &edit_url[i + 6..]),
        None => String::new(),
    }
}
