pub mod board;
pub mod detail;
pub mod dom;
pub mod filters;
pub mod states;
