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

/// Strings only the workbench's code holds (DOM ids of its case and statistics pages): none of
/// them may be in the citizen's bundle, which must never carry the workbench.
const WORKBENCH_ONLY: [&str; 3] = ["move-submit", "case-timeline", "stats-figures"];

/// The workbench's bundle, beside the citizen's (it is loaded only under /staff/).
fn workbench_lines(dist: &Path) -> anyhow::Result<Vec<String>> {
    let citizen = std::fs::read(dist.join("pkg/tongban_web_bg.wasm"))?;
    for marker in WORKBENCH_ONLY {
        anyhow::ensure!(
            !citizen
                .windows(marker.len())
                .any(|w| w == marker.as_bytes()),
            "the citizen bundle carries workbench code ({marker:?})"
        );
    }
    let mut lines = Vec::new();
    for name in [
        "staff/pkg/tongban_staff.js",
        "staff/pkg/tongban_staff_bg.wasm",
    ] {
        let file = dist.join(name);
        let raw = std::fs::metadata(&file)?.len() as usize;
        let br = std::fs::metadata(web::with_suffix(&file, "br"))?.len() as usize;
        lines.push(format!(
            "{name:<34} {:>9} raw {:>9} brotli",
            kib(raw),
            kib(br)
        ));
    }
    lines.push("the citizen bundle holds none of the workbench's code".into());
    Ok(lines)
}

pub fn run() -> anyhow::Result<()> {
    let dist = web::build()?;
    let mut figures = Vec::new();

    // First load of the PWA on a phone. A failure is a finding, printed with the figures.
    match crate::lighthouse::measure(&dist) {
        Ok(lines) => figures.extend(lines),
        Err(e) => figures.push(format!("Lighthouse: FAILED — {e:#}")),
    }

    println!("» search latency, native (release)…");
    let native = capture(cargo().args([
        "bench",
        "-p",
        "tongban-core",
        "--features",
        "pinyin",
        "--bench",
        "search",
    ]))?;
    figures.extend(bench_lines(&native));

    println!("» search latency in wasm, headless Chromium (release)…");
    crate::tools::require_wasm_target()?;
    let runner = format!("{} wasm-test-runner", std::env::current_exe()?.display());
    let wasm = capture(
        cargo()
            .args([
                "test",
                "-p",
                "tongban-core",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "wasm_bench",
            ])
            .args(["--", "--include-ignored", "--nocapture"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
            .env("CHROMEDRIVER", crate::tools::chromedriver()?),
    )?;
    figures.extend(bench_lines(&wasm));

    println!("» draft save latency in IndexedDB, headless Chromium (release)…");
    let runner = format!("{} wasm-test-runner", std::env::current_exe()?.display());
    let idb = capture(
        cargo()
            .args([
                "test",
                "-p",
                "tongban-web",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "draft_store_bench",
            ])
            .args(["--", "--include-ignored", "--nocapture"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
            .env("CHROMEDRIVER", crate::tools::chromedriver()?),
    )?;
    figures.extend(bench_lines(&idb));

    println!("» submissions per second on SQLite and on PostgreSQL (synced commits), 64 concurrent clients (release)…");
    let submissions =
        capture(cargo().args(["bench", "-p", "tongban-server", "--bench", "submissions"]))?;
    figures.extend(bench_lines(&submissions));

    for (backend, postgres) in [("SQLite", false), ("PostgreSQL", true)] {
        println!("» a mixed load with goose on {backend}: search, guides, answers, uploads, submissions, staff (release)…");
        let mut load = load_bin("tongban-load");
        if postgres {
            load.env("TONGBAN_LOAD_POSTGRES", "1");
        }
        figures.extend(bench_lines(&capture(&mut load)?));
    }

    println!("» public catalog reads beside an axum hello-world, goose (release)…");
    figures.extend(bench_lines(&capture(&mut load_bin("catalog-reads"))?));

    // Faults half-way through the same load; each checks afterwards that no acknowledged write
    // was lost or applied twice (load/src/faults.rs). The disk fault needs root (a tmpfs). A
    // failure is a finding, printed with the figures, and does not stop the other measurements.
    for (fault, what) in [
        (
            "kill",
            "the server killed with SIGKILL and started again (SQLite)",
        ),
        (
            "postgres",
            "the PostgreSQL server stopped and started again",
        ),
        (
            "objects",
            "the object store unwritable for a while (SQLite)",
        ),
        ("disk", "the disk full for a while (SQLite, a tmpfs)"),
    ] {
        println!("» fault during the mixed load: {what} (release)…");
        let mut run = load_bin("tongban-load");
        run.env("TONGBAN_LOAD_FAULT", fault);
        match capture(&mut run) {
            Ok(out) => figures.extend(bench_lines(&out)),
            Err(e) => figures.push(format!("fault {fault} during the load: FAILED — {e:#}")),
        }
    }

    // Needs root (it mounts a small tmpfs). A failure is a finding, printed with the figures,
    // and does not stop the other measurements.
    println!("» fault: the disk fills up under the server (SQLite and documents on 8 MiB)…");
    let mut disk_full = load_bin("disk-full");
    match capture(&mut disk_full) {
        Ok(out) => figures.extend(bench_lines(&out)),
        Err(e) => figures.push(format!("fault disk full: FAILED — {e:#}")),
    }

    println!("» the workbench's queue at 100,000 cases on SQLite (release)…");
    let queue = capture(cargo().args(["bench", "-p", "tongban-server", "--bench", "queue"]))?;
    figures.extend(bench_lines(&queue));

    let bench_dir = target_dir().join("bench");
    for (label, file) in [
        (
            "cached catalog index, demo catalog",
            "demo-catalog-index.json",
        ),
        (
            "search index, synthetic 10,000 matters",
            "synthetic-10000-index.json",
        ),
    ] {
        let bytes = std::fs::read(bench_dir.join(file))?;
        figures.push(format!(
            "{label}: {} raw, {} gzip, {} brotli",
            kib(bytes.len()),
            kib(web::gzip_bytes(&bytes).len()),
            kib(web::brotli_bytes(&bytes).len())
        ));
    }

    println!("» native client: warm start (release)…");
    let open = capture(cargo().args(["bench", "-p", "tongban-mobile", "--bench", "open"]))?;
    figures.extend(bench_lines(&open));

    println!("» native library (release, stripped)…");
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
    figures.push(format!(
        "native library libtongban_mobile.so ({}): {}",
        std::env::consts::ARCH,
        kib(size)
    ));

    println!("\nFigures:");
    println!("  PWA transfer size (home route):");
    for line in bundle_sizes(&dist)? {
        println!("    {line}");
    }
    println!("  Workbench bundle (/staff/ only):");
    for line in workbench_lines(&dist)? {
        println!("    {line}");
    }
    for line in figures {
        println!("  {line}");
    }
    Ok(())
}

/// Runs a command, echoing and returning its standard output.
/// `cargo run --release` of one of the load crate's binaries.
fn load_bin(bin: &str) -> std::process::Command {
    let mut run = cargo();
    run.args(["run", "--release", "-p", "tongban-load", "--bin", bin]);
    run
}

fn capture(cmd: &mut std::process::Command) -> anyhow::Result<String> {
    let out = cmd.stderr(std::process::Stdio::inherit()).output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    anyhow::ensure!(
        out.status.success(),
        "{:?} failed:\n{text}",
        cmd.get_program()
    );
    Ok(text)
}

fn bench_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|l| l.trim().strip_prefix("BENCH ").map(str::to_owned))
        .collect()
}
