//! `cargo xtask bench`: the figures that targets are checked against.

use std::path::Path;

use crate::{cargo, target_dir, web};

/// What the home route transfers: the page, its script, stylesheet and wasm.
const HOME_ROUTE: [&str; 5] = [
    "index.html",
    "boot.js",
    "app.css",
    "pkg/tongban_web.js",
    "pkg/tongban_web_bg.wasm",
];

/// One line per file of the home route, raw / gzip / brotli, and their total.
pub fn bundle_sizes(dist: &Path) -> anyhow::Result<Vec<String>> {
    let mut lines = Vec::new();
    let mut totals = [0usize; 3];
    for name in HOME_ROUTE {
        let file = dist.join(name);
        let raw = std::fs::metadata(&file)?.len() as usize;
        let gz = std::fs::metadata(web::with_suffix(&file, "gz"))?.len() as usize;
        let br = std::fs::metadata(web::with_suffix(&file, "br"))?.len() as usize;
        for (t, v) in totals.iter_mut().zip([raw, gz, br]) {
            *t += v;
        }
        lines.push(format!(
            "{name:<26} {:>9} raw {:>9} gzip {:>9} brotli",
            kib(raw),
            kib(gz),
            kib(br)
        ));
    }
    lines.push(format!(
        "{:<26} {:>9} raw {:>9} gzip {:>9} brotli",
        "home route total",
        kib(totals[0]),
        kib(totals[1]),
        kib(totals[2])
    ));
    Ok(lines)
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

pub fn run() -> anyhow::Result<()> {
    let dist = web::build()?;
    println!("\nPWA transfer size (home route):");
    for line in bundle_sizes(&dist)? {
        println!("  {line}");
    }
    println!(
        "\nNative library (release, stripped, {}):",
        std::env::consts::ARCH
    );
    crate::run(cargo().args([
        "build",
        "-p",
        "tongban-mobile",
        "--lib",
        "--profile",
        "mobile-release",
    ]))?;
    let lib = target_dir().join("mobile-release/libtongban_mobile.so");
    let size = std::fs::metadata(&lib)?.len() as usize;
    println!("  {:<26} {:>9}", "libtongban_mobile.so", kib(size));
    Ok(())
}
