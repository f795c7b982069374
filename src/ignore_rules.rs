//! Which files of the content folder are not part of the site: repositories keep files
//! beside their runbooks that are no pages and must not be published (`OWNERS`,
//! `CODEOWNERS`, `node_modules/`, build output). Three sources, in order:
//!
//! - the well-known non-page files, always ([`DEFAULTS`]);
//! - `[build] ignore` globs in book.toml, relative to the content folder (`*` stays in a
//!   folder, `**` crosses folders);
//! - the repository's `.gitignore` files: the book's and its parents' up to the repository's
//!   root, and the content folder's own, read by the `ignore` crate's gitignore matcher.
//!
//! Pure after it is built: a path in, ignored or not out.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Files and folders that are never pages, wherever they are in the content folder, by
/// name (compared directly: most books have nothing else to match, and a build looks at every
/// file).
pub const DEFAULTS: &[&str] = &["OWNERS", "OWNERS_ALIASES", "CODEOWNERS", ".github", "node_modules"];

/// The rules of one book.
#[derive(Debug, Default)]
pub struct IgnoreRules {
    globs: GlobSet,
    /// Each `.gitignore` with the folder its patterns are relative to (canonical).
    gitignores: Vec<(PathBuf, Gitignore)>,
    /// The content folder, canonical.
    content: PathBuf,
}

impl IgnoreRules {
    /// The rules for the content folder `content` of the book at `root`, with the globs of
    /// `[build] ignore`. An invalid glob is an error naming it.
    pub fn new(root: &Path, content: &Path, globs: &[String]) -> Result<IgnoreRules, String> {
        let mut set = GlobSetBuilder::new();
        // A book whose content is its own folder (`content = "."`): the book's files are
        // not pages of it.
        let same = match (root.canonicalize(), content.canonicalize()) {
            (Ok(r), Ok(c)) => r == c,
            _ => false,
        };
        let own: &[&str] = if same {
            &["book.toml", "opsbook.lock", "themes/"]
        } else {
            &[]
        };
        let mut any_glob = false;
        for g in own.iter().map(|g| g.to_string()).chain(globs.iter().cloned()) {
            any_glob = true;
            let pattern = g.trim_start_matches('/');
            // `dir/` means the folder and all it holds, as in .gitignore.
            let pattern = match pattern.strip_suffix('/') {
                Some(dir) => format!("{dir}/**"),
                None => pattern.to_string(),
            };
            let glob = GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("`{g}` is not a valid glob: {e}"))?;
            set.add(glob);
            // A folder's name alone also ignores what it holds.
            if !pattern.ends_with("**") {
                if let Ok(inside) = GlobBuilder::new(&format!("{pattern}/**"))
                    .literal_separator(true)
                    .build()
                {
                    set.add(inside);
                }
            }
        }
        let content = content.canonicalize().unwrap_or_else(|_| content.to_path_buf());
        let mut gitignores = Vec::new();
        let mut folders = vec![content.clone()];
        // The book's folder and its parents up to the repository's root.
        if let Ok(mut dir) = root.canonicalize() {
            loop {
                folders.push(dir.clone());
                if dir.join(".git").exists() {
                    break;
                }
                match dir.parent() {
                    Some(p) => dir = p.to_path_buf(),
                    None => {
                        // Not in a repository: only the book's own .gitignore counts.
                        folders.truncate(2);
                        break;
                    }
                }
            }
        }
        folders.dedup();
        for dir in folders {
            let file = dir.join(".gitignore");
            if !std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let mut builder = GitignoreBuilder::new(&dir);
            if builder.add(&file).is_none() {
                if let Ok(gi) = builder.build() {
                    gitignores.push((dir, gi));
                }
            }
        }
        Ok(IgnoreRules {
            globs: if any_glob {
                set.build().map_err(|e| e.to_string())?
            } else {
                GlobSet::empty()
            },
            gitignores,
            content,
        })
    }

    /// Whether nothing but the well-known names can be ignored (no globs, no `.gitignore`):
    /// then a path is ignored exactly when one of its parts is one of [`DEFAULTS`], and the
    /// walk, which meets each folder before what it holds, needs to look at names only.
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty() && self.gitignores.is_empty()
    }

    /// Whether the file or folder at `rel` (relative to the content folder, `/`-separated) is
    /// kept out of the site.
    pub fn is_ignored(&self, rel: &str, is_dir: bool) -> bool {
        if rel.split('/').any(|part| DEFAULTS.contains(&part)) {
            return true;
        }
        if !self.globs.is_empty() && (self.globs.is_match(rel) || (is_dir && self.globs.is_match(format!("{rel}/x")))) {
            return true;
        }
        if self.gitignores.is_empty() {
            return false;
        }
        // The path and each folder it is in, but only those inside the content folder: a
        // parent repository's `.gitignore` that ignores the folder the book lives in (a
        // `/target/`, say) does not empty the book, as building it says it is wanted.
        let mut levels: Vec<(&str, bool)> = rel.match_indices('/').map(|(i, _)| (&rel[..i], true)).collect();
        levels.push((rel, is_dir));
        self.gitignores.iter().any(|(dir, gi)| {
            levels.iter().any(|(level, level_is_dir)| {
                self.content
                    .join(level)
                    .strip_prefix(dir)
                    .is_ok_and(|inside| gi.matched(inside, *level_is_dir).is_ignore())
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_files_globs_and_gitignore_are_ignored() {
        let book = tempfile::tempdir().unwrap();
        let content = book.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(book.path().join(".gitignore"), "/content/generated/\n*.log\n").unwrap();
        let rules = IgnoreRules::new(book.path(), &content, &["drafts/**".into(), "scratch.md".into()]).unwrap();
        for ignored in [
            "OWNERS",
            "alerts/OWNERS_ALIASES",
            "CODEOWNERS",
            "node_modules/x/y.md",
            "drafts/a.md",
            "scratch.md",
            "generated/page.md",
            "logs/today.log",
        ] {
            assert!(rules.is_ignored(ignored, false), "{ignored}");
        }
        for kept in [
            "README.md",
            "alerts/Owners.md",
            "drafts.md",
            "alerts/scratch.md",
            "img/a.png",
        ] {
            assert!(!rules.is_ignored(kept, false), "{kept}");
        }
        assert!(rules.is_ignored("node_modules", true));
        // A repository's .gitignore that ignores the folder the book is in does not count.
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join(".git")).unwrap();
        std::fs::write(repo.path().join(".gitignore"), "/target/\n*.log\n").unwrap();
        let nested = repo.path().join("target/tmp/book");
        std::fs::create_dir_all(nested.join("content")).unwrap();
        let rules = IgnoreRules::new(&nested, &nested.join("content"), &[]).unwrap();
        assert!(!rules.is_ignored("runbooks/a.md", false));
        assert!(!rules.is_ignored("runbooks", true));
        assert!(rules.is_ignored("runbooks/x.log", false));
        assert!(IgnoreRules::new(book.path(), &content, &["a[".into()]).is_err());
    }
}
