//! One module per surface; handlers read input, call the core, write a response.

pub mod apply;
pub mod board;
pub mod owner;
pub mod pages;
