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
