//! `cargo xtask`: build, serve, test and measure Tongban with nothing but cargo.
//!
//! - `build`  — the PWA in release wasm, bundled into `web/dist` (sizes printed)
//! - `serve`  — build, then run the server (PWA at `/`, API under `/api/v1`) until Ctrl-C
//! - `test`   — every test: native, wasm in headless Chromium, browser end-to-end, Kotlin on the JVM
//! - `bench`  — the size and speed figures
//! - `lighthouse` — only the first-load figures of `bench` (Lighthouse on the release build)
//! - `mobile` — the native library and its Kotlin and Swift bindings

mod bench;
mod lighthouse;
mod mobile;
mod test;
mod tools;
mod web;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, serve, test and measure Tongban")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the PWA (release wasm) into web/dist.
    Build,
    /// Build the PWA and run the server until Ctrl-C.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Database URL (sqlite://FILE or postgres://…).
        #[arg(long, default_value = "sqlite://data/tongban.db")]
        database_url: String,
        /// Run the server from a release build (slower to build, faster to run).
        #[arg(long)]
        release: bool,
        /// Also serve the demo host super-app here (it frames Tongban and logs people in with
        /// signed tickets; development only), e.g. 127.0.0.1:8081.
        #[arg(long)]
        demo_host: Option<String>,
    },
    /// Run the whole test suite; ends with `N passed, N failed`.
    Test {
        /// Skip these steps (native, wasm, browser, kotlin) — for quick local loops only.
        #[arg(long, value_delimiter = ',')]
        skip: Vec<String>,
    },
    /// Print size and speed figures.
    Bench,
    /// Only Lighthouse's first-load figures (home and a guide page, release build).
    Lighthouse,
    /// Build the native library and generate its Kotlin and Swift bindings; with --android or
    /// --ios, the release libraries for the apps (needs the Android NDK, or macOS with Xcode).
    Mobile {
        /// The library for each Android ABI into the app's jniLibs, and the Kotlin bindings.
        #[arg(long)]
        android: bool,
        /// The iOS XCFramework and the Swift bindings for the Swift package.
        #[arg(long)]
        ios: bool,
    },
    /// Internal: cargo's runner for wasm32 tests (wasm-bindgen-test-runner).
    #[command(hide = true)]
    WasmTestRunner {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build => web::build().map(|_| ()),
        Command::Serve {
            addr,
            database_url,
            release,
            demo_host,
        } => web::serve(&addr, &database_url, release, demo_host.as_deref()),
        Command::Test { skip } => test::run(&skip),
        Command::Bench => bench::run(),
        Command::Lighthouse => web::build()
            .and_then(|dist| lighthouse::measure(&dist))
            .map(|lines| lines.iter().for_each(|l| println!("  {l}"))),
        Command::Mobile { android, ios } => match (android, ios) {
            (false, false) => mobile::build_bindings().map(|_| ()),
            _ => (if android {
                mobile::build_android()
            } else {
                Ok(())
            })
            .and_then(|_| if ios { mobile::build_ios() } else { Ok(()) }),
        },
        Command::WasmTestRunner { args } => {
            let argv = std::iter::once("wasm-bindgen-test-runner".to_owned()).chain(args);
            wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(argv)
        }
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// The workspace root (the folder holding the top Cargo.toml).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Cargo's target folder for this workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// The cargo that runs this xtask.
pub fn cargo() -> std::process::Command {
    let mut cmd =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs a command, failing with its name if it fails.
pub fn run(cmd: &mut std::process::Command) -> anyhow::Result<()> {
    let status = cmd
        .status()
        .map_err(|e| anyhow::anyhow!("cannot start {:?}: {e}", cmd.get_program()))?;
    anyhow::ensure!(
        status.success(),
        "{:?} failed ({status})",
        cmd.get_program()
    );
    Ok(())
}
