//! The native library and its generated bindings.

use std::path::PathBuf;

use anyhow::Context;

use crate::{cargo, root, run, target_dir};

pub struct Bindings {
    /// The folder holding `libtongban_mobile.so` (for `-Djna.library.path`).
    pub library_dir: PathBuf,
    pub kotlin_files: Vec<PathBuf>,
}

/// Builds the mobile crate (debug: it keeps the uniffi metadata the generator reads) and generates
/// Kotlin and Swift bindings with the workspace's own uniffi-bindgen, so generator and runtime
/// versions always match.
pub fn build_bindings() -> anyhow::Result<Bindings> {
    println!("» building the native library and its bindings…");
    // The same package selection as the test step: nothing is rebuilt with other features.
    run(cargo()
        .arg("build")
        .args(crate::test::native_packages(true)))?;
    let library_dir = target_dir().join("debug");
    let library = library_dir.join(library_file_name());
    let out = target_dir().join("bindings");
    let kotlin_dir = out.join("kotlin");
    let swift_dir = out.join("swift");
    for (language, dir) in [("kotlin", &kotlin_dir), ("swift", &swift_dir)] {
        let _ = std::fs::remove_dir_all(dir);
        run(
            std::process::Command::new(target_dir().join("debug/uniffi-bindgen"))
                .current_dir(root())
                .args(["generate", "--library"])
                .arg(&library)
                .args(["--language", language, "--no-format", "--out-dir"])
                .arg(dir),
        )
        .with_context(|| format!("generating {language} bindings"))?;
    }
    let kotlin_files = crate::web::files_below(&kotlin_dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "kt"))
        .collect::<Vec<_>>();
    anyhow::ensure!(!kotlin_files.is_empty(), "uniffi generated no Kotlin files");
    for expected in [
        "tongban_mobile.swift",
        "tongban_mobileFFI.h",
        "tongban_mobileFFI.modulemap",
        "tongban_core.swift",
    ] {
        anyhow::ensure!(
            swift_dir.join(expected).is_file(),
            "uniffi did not generate {expected}"
        );
    }
    println!(
        "  Kotlin: {} files in {}; Swift: {}",
        kotlin_files.len(),
        kotlin_dir.display(),
        swift_dir.display()
    );
    Ok(Bindings {
        library_dir,
        kotlin_files,
    })
}

fn library_file_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "libtongban_mobile.dylib"
    } else if cfg!(windows) {
        "tongban_mobile.dll"
    } else {
        "libtongban_mobile.so"
    }
}

/// The Android ABIs the app ships, their Rust targets, and the NDK clang that links them (API 24).
const ANDROID_ABIS: [(&str, &str, &str); 3] = [
    (
        "arm64-v8a",
        "aarch64-linux-android",
        "aarch64-linux-android24-clang",
    ),
    (
        "armeabi-v7a",
        "armv7-linux-androideabi",
        "armv7a-linux-androideabi24-clang",
    ),
    (
        "x86_64",
        "x86_64-linux-android",
        "x86_64-linux-android24-clang",
    ),
];

/// The iOS targets: devices, and the simulator on Apple silicon and Intel Macs.
const IOS_TARGETS: [&str; 3] = [
    "aarch64-apple-ios",
    "aarch64-apple-ios-sim",
    "x86_64-apple-ios",
];

/// The app's release library for one target (stripped, size-optimized).
fn release_library(triple: &str) -> std::process::Command {
    let mut cmd = cargo();
    cmd.args([
        "build",
        "-p",
        "tongban-mobile",
        "--profile",
        "mobile-release",
        "--target",
        triple,
    ]);
    cmd
}

fn installed_rust_targets() -> anyhow::Result<Vec<String>> {
    let out = std::process::Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("cannot run rustup")?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}

fn require_rust_targets(targets: &[&str]) -> anyhow::Result<()> {
    let installed = installed_rust_targets()?;
    let missing: Vec<&str> = targets
        .iter()
        .copied()
        .filter(|t| !installed.iter().any(|i| i == t))
        .collect();
    anyhow::ensure!(
        missing.is_empty(),
        "the Rust targets {missing:?} are not installed: rustup target add {}",
        missing.join(" ")
    );
    Ok(())
}

/// `cargo xtask mobile --android`: the release library for every ABI into the app's `jniLibs`,
/// and the Kotlin bindings into `mobile/android/bindings`. Needs the Android NDK.
pub fn build_android() -> anyhow::Result<()> {
    let ndk = std::env::var_os("ANDROID_NDK_HOME")
        .or_else(|| std::env::var_os("ANDROID_NDK_ROOT"))
        .map(PathBuf::from)
        .filter(|p| p.is_dir());
    let Some(ndk) = ndk else {
        anyhow::bail!(
            "cannot build the Android libraries here: there is no Android NDK (ANDROID_NDK_HOME is not set).\n\
             This kind of machine has no Android SDK or NDK; what runs here is `cargo xtask test`, which\n\
             tests the Kotlin bindings and the Android view-models on the JVM. On a machine with the NDK:\n\
             \n  export ANDROID_NDK_HOME=$HOME/Android/Sdk/ndk/<version>\n  \
             rustup target add {}\n  cargo xtask mobile --android\n  cd mobile/android && gradle assembleDebug   # Gradle 8.9 or newer",
            ANDROID_ABIS.map(|(_, t, _)| t).join(" ")
        );
    };
    require_rust_targets(&ANDROID_ABIS.map(|(_, t, _)| t))?;
    let host = if cfg!(target_os = "macos") {
        "darwin-x86_64"
    } else {
        "linux-x86_64"
    };
    let bin = ndk.join("toolchains/llvm/prebuilt").join(host).join("bin");
    let jni = root().join("mobile/android/app/src/main/jniLibs");
    for (abi, triple, clang) in ANDROID_ABIS {
        println!("» {abi} ({triple})…");
        let linker = bin.join(clang);
        anyhow::ensure!(linker.is_file(), "the NDK has no {}", linker.display());
        let upper = triple.to_uppercase().replace('-', "_");
        run(release_library(triple)
            .env(format!("CARGO_TARGET_{upper}_LINKER"), &linker)
            .env(format!("CC_{}", triple.replace('-', "_")), &linker)
            .env(
                format!("AR_{}", triple.replace('-', "_")),
                bin.join("llvm-ar"),
            ))?;
        let built = target_dir()
            .join(triple)
            .join("mobile-release/libtongban_mobile.so");
        std::fs::create_dir_all(jni.join(abi))?;
        std::fs::copy(&built, jni.join(abi).join("libtongban_mobile.so"))?;
        println!(
            "  {} KiB → {}",
            std::fs::metadata(&built)?.len() / 1024,
            jni.join(abi).display()
        );
    }
    let bindings = build_bindings()?;
    let out = root().join("mobile/android/bindings");
    let _ = std::fs::remove_dir_all(&out);
    for file in &bindings.kotlin_files {
        let relative = file.strip_prefix(target_dir().join("bindings/kotlin"))?;
        std::fs::create_dir_all(out.join(relative).parent().expect("a file has a folder"))?;
        std::fs::copy(file, out.join(relative))?;
    }
    println!("» Android libraries and bindings ready: cd mobile/android && gradle assembleDebug");
    Ok(())
}

/// `cargo xtask mobile --ios`: `mobile/ios/TongbanFFI.xcframework` (devices and simulators) and the
/// Swift bindings in `mobile/ios/Sources/TongbanCore`. Needs macOS with Xcode.
pub fn build_ios() -> anyhow::Result<()> {
    let xcode = std::process::Command::new("xcodebuild")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !cfg!(target_os = "macos") || !xcode {
        anyhow::bail!(
            "cannot build the iOS XCFramework here: it needs macOS with Xcode (xcodebuild, lipo), and\n\
             this machine is {} without them. What runs here is `cargo xtask test`, which generates the\n\
             Swift bindings and checks they exist. On a Mac:\n\
             \n  rustup target add {}\n  cargo xtask mobile --ios\n  \
             then add mobile/ios as a Swift package to an app target holding mobile/ios/TongbanApp",
            std::env::consts::OS,
            IOS_TARGETS.join(" ")
        );
    }
    require_rust_targets(&IOS_TARGETS)?;
    for triple in IOS_TARGETS {
        println!("» {triple}…");
        run(&mut release_library(triple))?;
    }
    let lib = |t: &str| {
        target_dir()
            .join(t)
            .join("mobile-release/libtongban_mobile.a")
    };
    let work = target_dir().join("ios");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("headers"))?;
    let simulators = work.join("libtongban_mobile-sim.a");
    run(std::process::Command::new("lipo")
        .arg("-create")
        .arg(lib("aarch64-apple-ios-sim"))
        .arg(lib("x86_64-apple-ios"))
        .arg("-output")
        .arg(&simulators))?;
    build_bindings()?;
    let swift = target_dir().join("bindings/swift");
    // One module map for both crates' C headers; both Swift files go into one Swift module.
    let mut modulemap = String::new();
    for module in ["tongban_mobileFFI", "tongban_coreFFI"] {
        std::fs::copy(
            swift.join(format!("{module}.h")),
            work.join("headers").join(format!("{module}.h")),
        )?;
        modulemap.push_str(&format!(
            "module {module} {{\n    header \"{module}.h\"\n    export *\n}}\n"
        ));
    }
    std::fs::write(work.join("headers/module.modulemap"), modulemap)?;
    let framework = root().join("mobile/ios/TongbanFFI.xcframework");
    let _ = std::fs::remove_dir_all(&framework);
    run(std::process::Command::new("xcodebuild")
        .arg("-create-xcframework")
        .arg("-library")
        .arg(lib("aarch64-apple-ios"))
        .arg("-headers")
        .arg(work.join("headers"))
        .arg("-library")
        .arg(&simulators)
        .arg("-headers")
        .arg(work.join("headers"))
        .arg("-output")
        .arg(&framework))?;
    let sources = root().join("mobile/ios/Sources/TongbanCore");
    for file in ["tongban_mobile.swift", "tongban_core.swift"] {
        std::fs::copy(swift.join(file), sources.join(file))?;
    }
    println!("» {} and the Swift bindings are ready", framework.display());
    Ok(())
}
