//! One module per view of the console; `app.rs` only switches between them.

pub mod analytics;
pub mod connection;
pub mod jobs;
