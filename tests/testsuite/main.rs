//! The integration tests: one binary, one module per feature. Each test copies a small
//! fixture book (under `tests/testsuite/fixtures/`) or the example book into a temporary
//! folder, runs the real `opsbook` binary there and asserts on its exit code, its messages
//! and the files it writes.

mod support;

mod activities;
mod adopt;
mod alerts;
mod architecture;
mod build;
mod commands;
mod corpora;
mod errors;
mod history;
mod hostile;
mod navigation;
mod permanence;
mod promises;
mod publish;
mod rebuild;
mod regressions;
mod relevance;
mod scaling;
mod serve;
mod snapshots;
