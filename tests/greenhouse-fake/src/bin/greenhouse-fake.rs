//! `greenhouse-fake [--port N]`: serves the seeded fake Greenhouse until interrupted.

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let mut port = 8790u16;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse().ok()).unwrap_or(port),
            "-h" | "--help" => {
                println!("greenhouse-fake [--port N]   (default 8790; 0 picks a free port)");
                return Ok(());
            }
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    let running = greenhouse_fake::start(port).await?;
    println!("greenhouse-fake listening on {}", running.base_url());
    println!("boards: {}", {
        let g = running.fake.0.lock().unwrap();
        let mut b: Vec<&String> = g.boards.keys().collect();
        b.sort();
        b.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    });
    println!("credentials: {}/__fake/credentials", running.base_url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
