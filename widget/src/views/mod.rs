pub mod board;
pub mod detail;
pub mod states;
