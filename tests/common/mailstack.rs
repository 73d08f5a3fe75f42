//! The project's real test mail stack: the shared `deskbell-test-mailstack` crate
//! (crates/test-mailstack), re-exported so the tests keep `common::mailstack::...`.
// Not every test binary that includes `common` uses the mail stack.
#![allow(unused_imports)]

pub use deskbell_test_mailstack::*;
