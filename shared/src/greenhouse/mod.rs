//! Serde models of Greenhouse's responses. Readers are tolerant: Greenhouse adds fields
//! without notice, old boards lack fields, and captured responses carry ids above 2³¹,
//! `null` where a value is documented, and numbers as strings.

pub mod harvest;
pub mod job_board;
mod lenient;

pub use lenient::{lenient_id, lenient_opt_id, lenient_opt_string};
