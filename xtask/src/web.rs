//! Building the PWA bundle and serving it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::{cargo, root, run, target_dir, tools};

pub const WASM_PROFILE: &str = "wasm-release";

/// The bundle folder the server serves.
pub fn dist_dir() -> PathBuf {
    root().join("web/dist")
}

/// Builds the web crate for wasm32 in release, binds it, copies the static files, stamps the
/// service worker with a build id and writes precompressed siblings. Returns the dist folder.
pub fn build() -> anyhow::Result<PathBuf> {
    tools::require_wasm_target()?;
    println!("» building the PWA (release wasm)…");
    run(cargo().args([
        "build",
        "-p",
        "tongban-web",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        WASM_PROFILE,
    ]))?;
    let dist = dist_dir();
    if dist.exists() {
        fs::remove_dir_all(&dist).context("clearing web/dist")?;
    }
    // The citizen app at /, the department workbench (its own bundle) under /staff/.
    bind("tongban-web", "tongban_web", &dist.join("pkg"))?;
    bind("tongban-staff", "tongban_staff", &dist.join("staff/pkg"))?;
    // The camera's QR reader for /verify, loaded when the camera first opens.
    bind("tongban-scan", "tongban_scan", &dist.join("pkg"))?;
    copy_dir(&root().join("web/static"), &dist)?;
    copy_dir(&root().join("web/static-staff"), &dist.join("staff"))?;

    let build_id = format!("{:016x}", hash_tree(&dist)?);
    let sw = dist.join("sw.js");
    let text = fs::read_to_string(&sw)?.replace("__TONGBAN_BUILD__", &build_id);
    fs::write(&sw, text)?;
    precompress(&dist)?;
    println!("» PWA built in {} (build {build_id})", dist.display());
    for line in crate::bench::bundle_sizes(&dist)? {
        println!("  {line}");
    }
    Ok(dist)
}

/// Binds one of the web crate's binaries (`bin`, built for wasm32) into `out_dir` as `out_name`.
fn bind(bin: &str, out_name: &str, out_dir: &Path) -> anyhow::Result<()> {
    let wasm = target_dir()
        .join("wasm32-unknown-unknown")
        .join(WASM_PROFILE)
        .join(format!("{bin}.wasm"));
    fs::create_dir_all(out_dir)?;
    let args = [
        "wasm-bindgen",
        "--target",
        "web",
        "--no-typescript",
        "--remove-name-section",
        "--remove-producers-section",
        "--out-name",
        out_name,
        "--out-dir",
        out_dir.to_str().context("non-UTF-8 path")?,
        wasm.to_str().context("non-UTF-8 path")?,
    ];
    wasm_bindgen_cli::wasm_bindgen::run_cli_with_args(args).context("wasm-bindgen")
}

pub fn serve(
    addr: &str,
    database_url: &str,
    release: bool,
    demo_host: Option<&str>,
) -> anyhow::Result<()> {
    let dist = build()?;
    let mut cmd = cargo();
    cmd.args(["run", "-q", "-p", "tongban-server"]);
    if release {
        cmd.arg("--release");
    }
    // `serve` is for development: texts go to the log, any valid ID number matches.
    cmd.args([
        "--",
        "--dev",
        "--addr",
        addr,
        "--database-url",
        database_url,
        "--web-dir",
    ])
    .arg(&dist);
    if let Some(demo) = demo_host {
        cmd.args(["--demo-host", demo]);
    }
    println!("» starting the server…");
    // Become the server process: Ctrl-C reaches it directly and it shuts down cleanly.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(cmd.exec()).context("cannot start cargo")
    }
    #[cfg(not(unix))]
    run(&mut cmd)
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Every file below `dir`, sorted, so hashes and listings are stable.
pub fn files_below(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(files_below(&path)?);
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// FNV-1a over the bundle's paths and contents: changes whenever any shipped byte changes, so the
/// service worker installs the new shell.
fn hash_tree(dir: &Path) -> anyhow::Result<u64> {
    let mut hash: u64 = 0xcbf29ce484222325;
    for file in files_below(dir)? {
        let name = file.strip_prefix(dir)?.to_string_lossy().into_owned();
        for byte in name.bytes().chain(fs::read(&file)?) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x100000001b3);
        }
    }
    Ok(hash)
}

const COMPRESSIBLE: [&str; 7] = ["wasm", "js", "css", "html", "svg", "webmanifest", "json"];

fn precompress(dir: &Path) -> anyhow::Result<()> {
    for file in files_below(dir)? {
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let bytes = fs::read(&file)?;
        fs::write(with_suffix(&file, "br"), brotli_bytes(&bytes))?;
        fs::write(with_suffix(&file, "gz"), gzip_bytes(&bytes))?;
    }
    Ok(())
}

pub fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

pub fn brotli_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("in-memory brotli");
    out
}

pub fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("in-memory gzip");
    encoder.finish().expect("in-memory gzip")
}
