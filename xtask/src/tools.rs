//! Finding the outside tools the tests need, with a clear message naming what to install.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::{run, target_dir};

/// The Kotlin compiler version known to compile uniffi's generated code (see TOOLCHAIN.md).
pub const KOTLIN_VERSION: &str = "2.4.20";

pub fn require_wasm_target() -> anyhow::Result<()> {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .context("cannot run rustc")?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !sysroot.join("lib/rustlib/wasm32-unknown-unknown").is_dir() {
        bail!("the wasm32 target is missing: run `rustup target add wasm32-unknown-unknown`");
    }
    Ok(())
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

fn env_or(var: &str, fallbacks: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    fallbacks.iter().find_map(|name| which(name))
}

pub fn chromedriver() -> anyhow::Result<PathBuf> {
    env_or("CHROMEDRIVER", &["chromedriver"]).context(
        "chromedriver was not found: install it with `apt-get install chromium chromium-driver` \
         (or set CHROMEDRIVER to its path)",
    )
}

pub fn chromium() -> anyhow::Result<PathBuf> {
    env_or(
        "CHROME_BIN",
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .context(
        "Chromium was not found: install it with `apt-get install chromium chromium-driver` \
         (or set CHROME_BIN to its path)",
    )
}

pub fn java() -> anyhow::Result<PathBuf> {
    env_or("JAVA", &["java"])
        .context("java was not found: install a JDK (`apt-get install default-jdk-headless`)")
}

pub fn jna_jar() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("JNA_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/share/java/jna.jar".into());
    anyhow::ensure!(
        path.is_file(),
        "JNA was not found at {}: install it with `apt-get install libjna-java`",
        path.display()
    );
    Ok(path)
}

/// The folder of the Kotlin compiler (its `bin/` and `lib/`), fetched from the npm registry into
/// `target/tools/` on first use.
pub fn kotlin_home() -> anyhow::Result<PathBuf> {
    if let Some(home) = std::env::var_os("KOTLIN_HOME") {
        return Ok(PathBuf::from(home));
    }
    npm_package("kotlin-compiler", KOTLIN_VERSION, "bin/kotlinc-jvm")
}

/// The axe-core accessibility engine the browser tests inject into every page.
pub const AXE_VERSION: &str = "4.14.1";

pub fn axe_js() -> anyhow::Result<PathBuf> {
    Ok(npm_package("axe-core", AXE_VERSION, "axe.min.js")?.join("axe.min.js"))
}

/// An npm package unpacked into `target/tools/<name>-<version>` (fetched once with `npm pack`);
/// `marker` is a file inside it that shows it is complete.
fn npm_package(name: &str, version: &str, marker: &str) -> anyhow::Result<PathBuf> {
    let tools = target_dir().join("tools");
    let home = tools.join(format!("{name}-{version}"));
    if home.join(marker).is_file() {
        return Ok(home);
    }
    let npm = which("npm").with_context(|| {
        format!("{name} comes from the npm registry, but npm was not found: install Node.js and npm (`apt-get install nodejs npm`)")
    })?;
    std::fs::create_dir_all(&tools)?;
    println!("» fetching {name} {version} from the npm registry…");
    run(Command::new(npm)
        .args(["pack", "--silent", &format!("{name}@{version}")])
        .current_dir(&tools))?;
    let tarball = tools.join(format!("{name}-{version}.tgz"));
    let unpack = tools.join(format!("unpack-{name}"));
    let _ = std::fs::remove_dir_all(&unpack);
    std::fs::create_dir_all(&unpack)?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&unpack))?;
    let _ = std::fs::remove_dir_all(&home);
    std::fs::rename(unpack.join("package"), &home)?;
    let _ = std::fs::remove_file(&tarball);
    let _ = std::fs::remove_dir_all(&unpack);
    anyhow::ensure!(
        home.join(marker).is_file(),
        "{name} {version} unpacked without {marker}"
    );
    Ok(home)
}

/// The independent SD-JWT VC verifier the certificate tests check our issuance against: the
/// OpenWallet Foundation's `@sd-jwt/sd-jwt-vc` with its Node crypto (npm, pinned).
pub const SD_JWT_VC_VERSION: &str = "0.19.0";

/// `@sd-jwt/sd-jwt-vc` and `@sd-jwt/crypto-nodejs` installed with their dependencies into
/// `target/tools/sd-jwt-vc-<version>` (once); the folder holds `node_modules`.
pub fn sd_jwt_vc() -> anyhow::Result<PathBuf> {
    npm_install(
        &format!("sd-jwt-vc-{SD_JWT_VC_VERSION}"),
        &[
            format!("@sd-jwt/sd-jwt-vc@{SD_JWT_VC_VERSION}"),
            format!("@sd-jwt/crypto-nodejs@{SD_JWT_VC_VERSION}"),
        ],
        "node_modules/@sd-jwt/sd-jwt-vc/package.json",
    )
}

/// Lighthouse 12 (npm, pinned): the last major that runs on the machine's Node 20 (13 needs
/// Node 22). It drives the system's Chromium.
pub const LIGHTHOUSE_VERSION: &str = "12.8.2";

/// Lighthouse's command-line entry (a Node script), installed into `target/tools` once.
pub fn lighthouse() -> anyhow::Result<PathBuf> {
    let home = npm_install(
        &format!("lighthouse-{LIGHTHOUSE_VERSION}"),
        &[format!("lighthouse@{LIGHTHOUSE_VERSION}")],
        "node_modules/lighthouse/cli/index.js",
    )?;
    Ok(home.join("node_modules/lighthouse/cli/index.js"))
}

/// `packages` installed with their dependencies into `target/tools/<folder>` (once, when
/// `marker` is missing there); the folder, which holds `node_modules`.
fn npm_install(folder: &str, packages: &[String], marker: &str) -> anyhow::Result<PathBuf> {
    let home = target_dir().join("tools").join(folder);
    let marker = home.join(marker);
    if marker.is_file() {
        return Ok(home);
    }
    let npm = which("npm").with_context(|| {
        format!("{} comes from the npm registry, but npm was not found: install Node.js and npm (`apt-get install nodejs npm`)", packages.join(", "))
    })?;
    std::fs::create_dir_all(&home)?;
    // A project of its own, so npm installs here and not into some package.json above.
    std::fs::write(home.join("package.json"), "{\"private\": true}\n")?;
    println!(
        "» installing {} from the npm registry…",
        packages.join(", ")
    );
    run(Command::new(npm)
        .args([
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--no-save",
        ])
        .args(packages)
        .current_dir(&home))?;
    anyhow::ensure!(
        marker.is_file(),
        "{} installed without {}",
        packages.join(", "),
        marker.display()
    );
    Ok(home)
}

/// The S3-compatible server the scale-out test starts (crates.io, pinned: the newest release
/// that builds with this machine's Rust).
pub const S3S_FS_VERSION: &str = "0.14.1";

/// `s3s-fs`, built from crates.io into `target/tools/` on first use (a few minutes, once).
pub fn s3s_fs() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("S3S_FS") {
        return Ok(PathBuf::from(path));
    }
    let home = target_dir()
        .join("tools")
        .join(format!("s3s-fs-{S3S_FS_VERSION}"));
    let bin = home.join("bin/s3s-fs");
    if bin.is_file() {
        return Ok(bin);
    }
    println!(
        "» building s3s-fs {S3S_FS_VERSION} from crates.io into {} (once)…",
        home.display()
    );
    run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "install",
                "--quiet",
                "--locked",
                "s3s-fs",
                "--version",
                S3S_FS_VERSION,
            ])
            .args(["--features", "binary", "--root"])
            .arg(&home),
    )?;
    anyhow::ensure!(
        bin.is_file(),
        "s3s-fs was installed without {}",
        bin.display()
    );
    Ok(bin)
}

/// The API contract checker the contract test runs (PyPI, pinned).
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// `st`, from schemathesis installed into its own virtual environment under `target/tools/`
/// on first use (Python 3 with venv and pip; the machine reaches PyPI).
pub fn schemathesis() -> anyhow::Result<PathBuf> {
    if let Some(st) = std::env::var_os("SCHEMATHESIS") {
        return Ok(PathBuf::from(st));
    }
    let home = target_dir()
        .join("tools")
        .join(format!("schemathesis-{SCHEMATHESIS_VERSION}"));
    let st = home.join("bin/st");
    if st.is_file() {
        return Ok(st);
    }
    let python = which("python3").context(
        "schemathesis comes from PyPI, but python3 was not found: install Python 3 with venv \
         (`apt-get install python3-venv`)",
    )?;
    println!("» installing schemathesis {SCHEMATHESIS_VERSION} from PyPI…");
    let _ = std::fs::remove_dir_all(&home);
    run(Command::new(python).arg("-m").arg("venv").arg(&home))?;
    run(Command::new(home.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
    ]))?;
    anyhow::ensure!(
        st.is_file(),
        "schemathesis installed without its `st` command"
    );
    Ok(st)
}
