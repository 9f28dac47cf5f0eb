//! One module per surface; handlers read input, call the core, write a response.

pub mod analytics;
pub mod apply;
pub mod board;
pub mod candidates;
pub mod hooks;
pub mod jobs;
pub mod owner;
pub mod pages;

use crate::cache::Layers;
use crate::App;
use worker::RouteContext;

/// The read path's view of a request: configuration, bindings, and the context that keeps
/// background refreshes alive.
pub fn layers(ctx: &RouteContext<App>) -> Layers<'_> {
    Layers { cfg: &ctx.data.cfg, env: &ctx.env, ctx: Some(&ctx.data.ctx) }
}
