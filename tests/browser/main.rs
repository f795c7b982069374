//! Browser tests: the example book, built once and served on 127.0.0.1, driven in headless
//! Chromium through chromedriver (WebDriver, with a few DevTools calls for what WebDriver lacks).
//!
//! They need `chromium` and `chromium-driver` (Debian) and, for the accessibility audit, axe-core
//! installed by npm under `target/axe`; `scripts/test.sh` installs all three. One browser runs
//! at a time (the tests take a lock) and every test has a deadline, so a stuck page fails the
//! test instead of hanging the suite.

mod harness;

mod accessibility;
mod interaction;
mod loading;
mod screenshots;
mod search;
