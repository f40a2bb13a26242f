//! `tongban-server`: runs the API (and serves the built PWA) until Ctrl-C.

use clap::Parser;
use tongban_server::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config::parse();
    let server = tongban_server::start(config).await?;
    println!(
        "Tongban is running at http://{}/ (Ctrl-C stops it)",
        server.local_addr()
    );
    tokio::signal::ctrl_c().await?;
    println!("Stopping…");
    server.shutdown().await?;
    Ok(())
}
