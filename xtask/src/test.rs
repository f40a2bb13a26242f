//! `cargo xtask test`: every test of the project, one summary line at the end.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::Context;

use crate::{cargo, mobile, root, target_dir, tools, web};

#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

const STEPS: [&str; 4] = ["native", "wasm", "browser", "kotlin"];

/// The packages every native cargo step selects. Keeping one selection for tests and builds keeps
/// one set of unified features, so no step rebuilds the dependencies of another (2 cores: minutes).
pub fn native_packages(with_browser_tests: bool) -> Vec<&'static str> {
    // The load bench (goose) is built by `cargo xtask bench` only.
    let mut args = vec![
        "--workspace",
        "--exclude",
        "tongban-web",
        "--exclude",
        "tongban-load",
    ];
    if !with_browser_tests {
        args.extend(["--exclude", "tongban-tests"]);
    }
    args
}

pub fn run(skip: &[String]) -> anyhow::Result<()> {
    for s in skip {
        anyhow::ensure!(
            STEPS.contains(&s.as_str()),
            "unknown step {s:?}: the steps are {STEPS:?}"
        );
    }
    let wanted = |step: &str| !skip.iter().any(|s| s == step);
    // Check every outside tool first, so a missing one is named before a long build.
    let chromedriver = tools::chromedriver()?;
    let chromium = tools::chromium()?;
    let axe = tools::axe_js()?;
    let schemathesis = if wanted("browser") {
        Some(tools::schemathesis()?)
    } else {
        None
    };
    let s3s_fs = if wanted("native") {
        Some(tools::s3s_fs()?)
    } else {
        None
    };
    let sd_jwt_vc = if wanted("native") {
        Some(tools::sd_jwt_vc()?)
    } else {
        None
    };
    tools::require_wasm_target()?;
    if wanted("kotlin") {
        tools::java()?;
        tools::jna_jar()?;
        tools::kotlin_home()?;
    }

    let dist = if wanted("browser") {
        Some(web::build()?)
    } else {
        None
    };
    let mut total = Counts::default();
    let mut report = Vec::new();
    let mut step = |name: &str, result: anyhow::Result<Counts>, started: Instant| {
        let counts = result.unwrap_or_else(|error| {
            eprintln!("error in the {name} step: {error:#}");
            Counts {
                passed: 0,
                failed: 1,
            }
        });
        report.push(format!(
            "  {name:<8} {:>4} passed, {:>3} failed  ({:.0} s)",
            counts.passed,
            counts.failed,
            started.elapsed().as_secs_f64()
        ));
        total += counts;
    };

    if wanted("native") || wanted("browser") {
        let t = Instant::now();
        println!("» native tests of every crate, the browser end-to-end tests (Chromium at 360×640) and the API contract (schemathesis)…");
        let mut cmd = cargo();
        // Every failing test binary is reported, not only the first.
        cmd.args(["test", "--no-fail-fast"])
            .args(native_packages(wanted("browser")));
        if let Some(dist) = &dist {
            cmd.env("TONGBAN_WEB_DIST", dist)
                .env("CHROMEDRIVER", &chromedriver)
                .env("CHROME_BIN", &chromium)
                .env("AXE_JS", &axe);
        }
        if let Some(st) = &schemathesis {
            cmd.env("SCHEMATHESIS", st);
        }
        if let Some(s3) = &s3s_fs {
            cmd.env("S3S_FS", s3);
        }
        if let Some(verifier) = &sd_jwt_vc {
            cmd.env("SD_JWT_VC", verifier);
        }
        if !wanted("native") {
            for test in [
                "browser",
                "contract",
                "accessibility",
                "apply",
                "embedding",
                "keystrokes",
                "workbench",
            ] {
                cmd.args(["--test", test]);
            }
        }
        step("native", run_counting(&mut cmd, parse_cargo_line), t);
    }
    if wanted("wasm") {
        let t = Instant::now();
        println!("» core's and the PWA's tests in wasm32, headless Chromium…");
        let runner = format!("{} wasm-test-runner", std::env::current_exe()?.display());
        let mut cmd = cargo();
        cmd.args([
            "test",
            "--no-fail-fast",
            "-p",
            "tongban-core",
            "-p",
            "tongban-web",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("CHROMEDRIVER", &chromedriver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
        step("wasm", run_counting(&mut cmd, parse_cargo_line), t);
    }
    if wanted("kotlin") {
        let t = Instant::now();
        println!("» Kotlin binding tests on the JVM against a real server…");
        step("kotlin", kotlin(), t);
    }

    println!("\nSummary:");
    for line in &report {
        println!("{line}");
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Runs a command, echoing its output, and adds up the counts of every summary line in it. A
/// command that fails without reporting a failed test (a build error, a crash) counts as one failure.
fn run_counting(cmd: &mut Command, parse: fn(&str) -> Option<Counts>) -> anyhow::Result<Counts> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let mut counts = Counts::default();
    let mut summaries = 0;
    for line in BufReader::new(child.stdout.take().expect("piped stdout")).lines() {
        let line = line?;
        println!("{line}");
        if let Some(c) = parse(&line) {
            counts += c;
            summaries += 1;
        }
    }
    let status = child.wait()?;
    if !status.success() && counts.failed == 0 {
        eprintln!(
            "{:?} exited with {status} without a failed test: counted as one failure",
            cmd.get_program()
        );
        counts.failed += 1;
    }
    if status.success() && summaries == 0 {
        anyhow::bail!("{:?} ran no tests", cmd.get_program());
    }
    Ok(counts)
}

/// `test result: ok. 12 passed; 0 failed; …` (cargo and wasm-bindgen-test-runner).
pub fn parse_cargo_line(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        let end = rest.find(word)?;
        rest[..end]
            .trim_end()
            .rsplit([' ', '.', ';'])
            .next()?
            .parse()
            .ok()
    };
    Some(Counts {
        passed: number_before(" passed")?,
        failed: number_before(" failed")?,
    })
}

/// The plain `N passed, N failed` line that the Kotlin test main prints last.
pub fn parse_plain_line(line: &str) -> Option<Counts> {
    let (passed, failed) = line.trim().split_once(" passed, ")?;
    let failed = failed.strip_suffix(" failed")?;
    Some(Counts {
        passed: passed.trim().parse().ok()?,
        failed: failed.trim().parse().ok()?,
    })
}

fn kotlin() -> anyhow::Result<Counts> {
    let bindings = mobile::build_bindings()?;
    let kotlin = tools::kotlin_home()?;
    let jna = tools::jna_jar()?;
    let coroutines = kotlin.join("lib/kotlinx-coroutines-core-jvm.jar");
    let stdlib = kotlin.join("lib/kotlin-stdlib.jar");
    let out = target_dir().join("kotlin-tests");
    std::fs::create_dir_all(&out)?;
    let jar = out.join("tests.jar");
    let tests = crate::web::files_below(&root().join("mobile/tests/kotlin"))?;
    // The Android shell's view-models and HTTP transport are plain Kotlin: compiled and tested here
    // on the JVM.
    let view_models: Vec<_> =
        crate::web::files_below(&root().join("mobile/android/viewmodels/src/main/kotlin"))?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "kt"))
            .collect();
    println!(
        "  compiling {} generated + {} view-model + {} test Kotlin files…",
        bindings.kotlin_files.len(),
        view_models.len(),
        tests.len()
    );
    crate::run(
        Command::new(kotlin.join("bin/kotlinc-jvm"))
            .args(["-nowarn", "-cp"])
            .arg(classpath(&[&jna, &coroutines]))
            .args(&bindings.kotlin_files)
            .args(&view_models)
            .args(&tests)
            .arg("-d")
            .arg(&jar),
    )
    .context("compiling the Kotlin tests")?;

    let server = TestServer::start()?;
    let mut java = Command::new(tools::java()?);
    java.arg(format!(
        "-Djna.library.path={}",
        bindings.library_dir.display()
    ))
    .arg("-cp")
    .arg(classpath(&[&jar, &jna, &coroutines, &stdlib]))
    .arg("tongban.tests.MainKt")
    .env("TONGBAN_BASE_URL", &server.base_url)
    .env("TONGBAN_SERVER_LOG", &server.log)
    .env("TONGBAN_DEMO_HOST_URL", &server.demo_host_url)
    .env("TONGBAN_STAFF_USERNAME", STAFF_USERNAME)
    .env("TONGBAN_STAFF_PASSWORD", STAFF_PASSWORD);
    let counts = run_counting(&mut java, parse_plain_line);
    drop(server);
    let counts = counts?;
    anyhow::ensure!(
        counts.passed + counts.failed > 0,
        "the Kotlin tests printed no `N passed, N failed` line"
    );
    Ok(counts)
}

fn classpath(parts: &[&Path]) -> String {
    parts
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// The staff member the Kotlin tests act as (a throwaway database; not a secret).
const STAFF_USERNAME: &str = "kotlin.staff";
const STAFF_PASSWORD: &str = "kotlin-tests-only-password";

/// The real server binary on a free port with a throwaway database, stopped when dropped.
struct TestServer {
    child: Child,
    base_url: String,
    /// The server's log: the development SMS sender writes login codes here.
    log: std::path::PathBuf,
    /// The demo host super-app beside it (signs single sign-on tickets).
    demo_host_url: String,
    _data: TempDir,
}

impl TestServer {
    fn start() -> anyhow::Result<Self> {
        let data = TempDir::new("tongban-kotlin-test")?;
        let log = data.0.join("server.log");
        let database = format!("sqlite://{}/tongban.db", data.0.display());
        // A supervisor of the department deciding the matters the tests apply for, so they can
        // move an application along (supplement).
        crate::run(
            Command::new(target_dir().join("debug/tongban-server"))
                .args(["--database-url", &database, "add-staff"])
                .args(["--username", STAFF_USERNAME, "--display-name", "测试员"])
                .args(["--department", "100000-xsfz", "--role", "supervisor"])
                .env("TONGBAN_STAFF_PASSWORD", STAFF_PASSWORD),
        )
        .context("adding the test staff member")?;
        let mut child = Command::new(target_dir().join("debug/tongban-server"))
            .args(["--dev", "--addr", "127.0.0.1:0", "--web-dir"])
            .arg(web::dist_dir())
            .args(["--database-url", &database])
            .args(["--demo-host", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?)
            .spawn()
            .context("cannot start tongban-server")?;
        let mut first = String::new();
        let mut second = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        stdout.read_line(&mut first)?;
        stdout.read_line(&mut second)?;
        // Keep reading what the server prints, so it never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let base_url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(|u| u.trim_end_matches('/').to_owned())
            .with_context(|| format!("the server did not say where it runs: {first:?}"))?;
        let demo_host_url = second
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(|u| u.trim_end_matches('/').to_owned())
            .with_context(|| {
                format!("the server did not say where its demo host runs: {second:?}")
            })?;
        Ok(Self {
            child,
            base_url,
            log,
            demo_host_url,
            _data: data,
        })
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary folder removed when dropped (xtask keeps its dependencies few).
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(prefix: &str) -> anyhow::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_and_wasm_runner_summaries() {
        let ok = "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.02s";
        assert_eq!(
            parse_cargo_line(ok),
            Some(Counts {
                passed: 12,
                failed: 0
            })
        );
        let bad = "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!(
            parse_cargo_line(bad),
            Some(Counts {
                passed: 3,
                failed: 2
            })
        );
        assert_eq!(parse_cargo_line("test foo ... ok"), None);
    }

    #[test]
    fn reads_the_plain_summary_line() {
        assert_eq!(
            parse_plain_line("7 passed, 1 failed"),
            Some(Counts {
                passed: 7,
                failed: 1
            })
        );
        assert_eq!(parse_plain_line("ok   lists matters"), None);
    }
}
