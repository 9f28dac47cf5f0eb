pub mod board;
pub mod detail;
pub mod filters;
pub mod states;
