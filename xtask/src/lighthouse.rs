//! Lighthouse 12 (mobile profile: a mid-range phone on slow 4G, simulated) on the release build:
//! the home route and a guide page, served by the release server exactly as in production
//! (compressed, with the service worker), each page in a fresh browser profile — a first visit.
//! Prints the performance score, LCP and the accessibility score; #15's targets are performance
//! ≥ 95, LCP ≤ 1.5 s, accessibility 100.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::{cargo, run, target_dir, tools};

/// The pages measured: (label, path).
const PAGES: [(&str, &str); 2] = [
    ("home", "/"),
    ("guide 330000-GA-0001", "/matter/330000-GA-0001"),
];

/// Lighthouse's figures for each page, as lines for the bench's summary.
pub fn measure(dist: &Path) -> anyhow::Result<Vec<String>> {
    let cli = tools::lighthouse()?;
    let chrome = tools::chromium()?;
    run(cargo().args(["build", "--release", "-p", "tongban-server"]))?;
    let data = target_dir().join("bench/lighthouse");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        Command::new(target_dir().join("release/tongban-server"))
            .args(["--dev", "--addr", &addr, "--database-url"])
            .arg(format!("sqlite://{}", data.join("tongban.db").display()))
            .arg("--web-dir")
            .arg(dist)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start the release server")?,
    );
    wait_for(&addr)?;
    let mut lines = Vec::new();
    for (label, path) in PAGES {
        let report = data.join(format!("{}.json", label.split(' ').next().unwrap_or(label)));
        let profile = data.join(format!("profile-{port}-{}", lines.len()));
        println!("» Lighthouse on {label} ({path})…");
        run(Command::new("node")
            .arg(&cli)
            .arg(format!("http://{addr}{path}"))
            .args([
                "--only-categories=performance,accessibility",
                "--output=json",
                "--quiet",
            ])
            .arg(format!("--output-path={}", report.display()))
            .arg(format!(
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic \
                 --no-first-run --disable-background-networking --disable-component-update \
                 --disable-sync --user-data-dir={}",
                profile.display()
            ))
            .env("CHROME_PATH", &chrome))?;
        lines.push(format!(
            "Lighthouse {}, {label}: {}",
            tools::LIGHTHOUSE_VERSION,
            figures(&report)?
        ));
    }
    drop(server);
    Ok(lines)
}

/// "performance 76, LCP 4.9 s, accessibility 100, 1.2 MiB transferred" from a JSON report.
fn figures(report: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(report)
        .with_context(|| format!("Lighthouse wrote no report at {}", report.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let score = |category: &str| {
        json["categories"][category]["score"]
            .as_f64()
            .map_or("—".to_owned(), |s| format!("{:.0}", s * 100.0))
    };
    let audit = |id: &str| json["audits"][id]["numericValue"].as_f64();
    let lcp = audit("largest-contentful-paint")
        .map_or("—".to_owned(), |ms| format!("{:.1} s", ms / 1000.0));
    let bytes =
        audit("total-byte-weight").map_or("—".to_owned(), |b| format!("{:.0} KiB", b / 1024.0));
    Ok(format!(
        "performance {} (target ≥ 95), LCP {lcp} (target ≤ 1.5 s), accessibility {} (target 100), {bytes} transferred",
        score("performance"),
        score("accessibility"),
    ))
}

/// Waits until the server answers on `addr`.
fn wait_for(addr: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    anyhow::bail!("the release server did not listen on {addr} within a minute")
}

/// The server process, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
