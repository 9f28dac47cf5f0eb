//! Types and pure logic that both the worker and the widget use.
//!
//! * [`greenhouse`]: tolerant serde models of what Greenhouse sends (unknown fields ignored,
//!   polymorphic values kept, ids as `u64`, numbers that arrive as strings accepted).
//! * [`api`]: our own wire format between worker and widget: strict, versioned, stable.
//! * [`board`]: search normalisation and grouping, the same code in widget and tests.
//!
//! Nothing here does I/O, so everything builds for native and `wasm32-unknown-unknown`.

pub mod analytics;
pub mod api;
pub mod apply;
pub mod board;
pub mod candidates;
pub mod greenhouse;
pub mod i18n;
pub mod jobs;
pub mod owner;
pub mod seo;
