//! A minimal HTTP/1.1 client over a TCP stream (`http://` only, one request per connection):
//! the fake sends web hooks with it, and tests call the fake with it, so the crate needs no
//! HTTP client dependency.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A reply: status, headers (names lower-cased) and the de-chunked body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header of this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends one request and reads the whole reply.
pub async fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Reply, String> {
    let rest = url.strip_prefix("http://").ok_or("only http:// URLs")?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut stream = tokio::net::TcpStream::connect(host).await.map_err(|e| e.to_string())?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.map_err(|e| e.to_string())?;
    stream.write_all(body).await.map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.map_err(|e| e.to_string())?;
    parse(&buf)
}

pub async fn get(url: &str) -> Result<Reply, String> {
    request("GET", url, &[], b"").await
}

/// GET with HTTP Basic auth (`user:` with an empty password, as Harvest v1 keys are sent).
pub async fn get_basic(url: &str, user: &str) -> Result<Reply, String> {
    use base64::Engine;
    let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:")));
    request("GET", url, &[("Authorization", &auth)], b"").await
}

pub async fn get_bearer(url: &str, token: &str) -> Result<Reply, String> {
    request("GET", url, &[("Authorization", &format!("Bearer {token}"))], b"").await
}

pub async fn post_json(url: &str, body: &Value) -> Result<Reply, String> {
    request("POST", url, &[("Content-Type", "application/json")], body.to_string().as_bytes()).await
}

fn parse(buf: &[u8]) -> Result<Reply, String> {
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&buf[..split]);
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or("no status line")?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    let rest = &buf[split + 4..];
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else {
        match headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse::<usize>().ok()) {
            Some(n) => rest.get(..n).ok_or("short body")?.to_vec(),
            None => rest.to_vec(),
        }
    };
    Ok(Reply { status, headers, body })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let end = rest.windows(2).position(|w| w == b"\r\n").ok_or("bad chunk")?;
        let size_text = String::from_utf8_lossy(&rest[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).map_err(|e| e.to_string())?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(rest.get(..size).ok_or("short chunk")?);
        rest = rest.get(size + 2..).ok_or("short chunk")?;
    }
}
