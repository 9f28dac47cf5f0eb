//! D1 in one place: statements with bound arguments, their rows, and one error mapping.

use crate::error::ApiError;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

pub fn err(e: worker::Error) -> ApiError {
    ApiError::Internal(format!("d1: {e}"))
}

/// A number as D1 binds it.
pub fn num(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// An optional text as D1 binds it: `NULL` when absent (D1 refuses `undefined`).
pub fn opt(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from)
}

pub fn stmt(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement, ApiError> {
    // Counted when prepared: every prepared statement here is run (alone or in a batch).
    crate::metrics::count(|c| c.d1_statements += 1);
    db.prepare(sql).bind(args).map_err(err)
}

/// Counts the rows D1 says a statement read and wrote.
fn rows(r: &worker::D1Result) {
    if let Some(m) = r.meta().ok().flatten() {
        crate::metrics::count(|c| {
            c.d1_rows_read += m.rows_read.unwrap_or(0) as u64;
            c.d1_rows_written += m.rows_written.unwrap_or(0) as u64;
        });
    }
}

/// Runs a statement; returns how many rows it changed.
pub async fn run(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<usize, ApiError> {
    let r = stmt(db, sql, args)?.run().await.map_err(err)?;
    rows(&r);
    Ok(r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0))
}

pub async fn all<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<Vec<T>, ApiError> {
    let r = stmt(db, sql, args)?.all().await.map_err(err)?;
    rows(&r);
    r.results().map_err(err)
}

/// The first row of a query (through `all`, so its cost is counted like every other).
pub async fn first<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<Option<T>, ApiError> {
    Ok(all(db, sql, args).await?.into_iter().next())
}

/// Runs statements in one batch (one round trip, all or nothing).
pub async fn batch(db: &D1Database, statements: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    if !statements.is_empty() {
        for r in db.batch(statements).await.map_err(err)? {
            rows(&r);
        }
    }
    Ok(())
}

/// Takes the lease `name` for `holder` until `now + ttl_ms` if it is free or expired.
/// Returns whether this holder has it (one statement: atomic in D1).
pub async fn lease(db: &D1Database, name: &str, holder: &str, now: u64, ttl_ms: u64) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "INSERT INTO leases (name, holder, until_ms) VALUES (?1, ?2, ?3) \
         ON CONFLICT (name) DO UPDATE SET holder = ?2, until_ms = ?3 WHERE leases.until_ms <= ?4",
        &[name.into(), holder.into(), num(now + ttl_ms), num(now)],
    )
    .await?;
    Ok(changed == 1)
}

/// Gives the lease back early (only if this holder still has it).
pub async fn release(db: &D1Database, name: &str, holder: &str) -> Result<(), ApiError> {
    run(db, "DELETE FROM leases WHERE name = ?1 AND holder = ?2", &[name.into(), holder.into()]).await?;
    Ok(())
}
