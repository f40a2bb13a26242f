//! The API keeps its word: schemathesis (from PyPI, pinned; `cargo xtask test` installs it into
//! the tools folder and names it in `SCHEMATHESIS`) runs every check and every phase (examples,
//! coverage, fuzzing, stateful) against a server on SQLite — with no session, as a person who
//! verified their identity, and as department staff. Any failure fails the suite; what it found
//! is printed. `tests/schemathesis.toml` says what the schema cannot: which operations answer a
//! valid-looking request with 422 on purpose (a wrong code, a wrong password).

use std::sync::Arc;

use tongban_core::auth::{MemorySecretStore, SessionSecretStore};
use tongban_core::case::StaffRole;
use tongban_core::draft::{Change, ChangeKind};
use tongban_core::ApiClient;
use tongban_server::store::NewStaff;
use tongban_tests::TestApp;

/// A real 8×8 JPEG, as the server tests upload it.
const PHOTO: &[u8] = include_bytes!("../../server/tests/support/photo.jpg");

const PHONE: &str = "13800138007";
const ID_NUMBER: &str = "11010519491231002X";

/// Who schemathesis is: the session token it sends, as the cookie or the bearer token of a role.
struct Caller {
    name: &'static str,
    /// The role's cookie scheme and bearer scheme, and the token for both.
    auth: Option<(&'static str, &'static str, String)>,
    /// Operations that would end the caller's own session mid-run.
    excluded: &'static [&'static str],
}

async fn citizen_token(app: &TestApp) -> String {
    let secrets = Arc::new(MemorySecretStore::default());
    let api = ApiClient::new(&app.base_url).with_secret_store(secrets.clone());
    api.send_login_code(PHONE).await.unwrap();
    let code = app.sms.last_code(PHONE).expect("a code was texted");
    api.login(PHONE, &code).await.unwrap();
    api.verify_identity("张三", ID_NUMBER).await.unwrap();
    // Something of theirs to read and change: a draft and an uploaded document.
    let create = Change {
        op_id: "contract-create".into(),
        draft_id: "contract-draft".into(),
        device_id: "contract".into(),
        base_version: 0,
        kind: ChangeKind::Create {
            form_id: "330000-GA-0001".into(),
        },
    };
    api.send_change(&create).await.unwrap();
    api.upload_material(PHOTO.to_vec()).await.unwrap();
    secrets.load().expect("a token")
}

async fn staff_token(app: &TestApp) -> String {
    let password = "contract test password";
    let hash = tongban_server::auth::password::hash_password(password).unwrap();
    app.server()
        .db()
        .put_staff(NewStaff::new(
            "contract.clerk",
            "合同",
            "330100-ga",
            StaffRole::Supervisor,
            &hash,
        ))
        .await
        .unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let api = ApiClient::new(&app.base_url).with_secret_store(secrets.clone());
    api.staff_login("contract.clerk", password).await.unwrap();
    secrets.load().expect("a token")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_keeps_its_contract_under_schemathesis() {
    let st = std::env::var("SCHEMATHESIS")
        .expect("SCHEMATHESIS names the schemathesis command: run `cargo xtask test`");
    let app = TestApp::start().await;
    let citizen = citizen_token(&app).await;
    let staff = staff_token(&app).await;
    let callers = [
        Caller {
            name: "no session",
            auth: None,
            excluded: &[],
        },
        Caller {
            name: "a person",
            auth: Some(("session", "session_bearer", citizen)),
            excluded: &["/api/v1/auth/logout", "/api/v1/me/sessions/{id}"],
        },
        Caller {
            name: "staff",
            auth: Some(("staff_session", "staff_bearer", staff)),
            excluded: &["/api/v1/staff/logout"],
        },
    ];
    let base =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schemathesis.toml")).unwrap();
    let schema = format!("{}/api/openapi.json", app.base_url);
    let dir = tempfile::tempdir().unwrap();
    let mut failed = Vec::new();
    for caller in callers {
        // The session is given per scheme, so schemathesis knows which credentials its
        // authentication checks take away or spoil.
        let mut config = base.clone();
        if let Some((cookie, bearer, token)) = &caller.auth {
            config.push_str(&format!(
                "\n[auth.openapi.{cookie}]\napi_key = \"{token}\"\n\
                 [auth.openapi.{bearer}]\nbearer = \"{token}\"\n"
            ));
        }
        let path = dir
            .path()
            .join(format!("{}.toml", caller.name.replace(' ', "-")));
        std::fs::write(&path, config).unwrap();
        // CPython 3.11 (the machine's) sometimes fails inside `ast.parse` while hypothesis
        // describes a strategy ("AST constructor recursion depth mismatch", CPython gh-106905):
        // nothing was asked of the API then. Such a run is made again, once; any other failure,
        // or that one twice, fails the test.
        for attempt in 1..=2 {
            let mut cmd = std::process::Command::new(&st);
            // Its cache of earlier findings stays in the temporary folder: every run starts clean.
            cmd.current_dir(dir.path())
                .arg("--config-file")
                .arg(&path)
                .args(["run", &schema])
                .args(["--checks", "all"])
                .args(["--phases", "examples,coverage,fuzzing,stateful"])
                .args(["--workers", "2", "--no-color"]);
            for path in caller.excluded {
                cmd.args(["--exclude-path", path]);
            }
            let output = tokio::task::spawn_blocking(move || cmd.output())
                .await
                .unwrap()
                .expect("schemathesis runs");
            let report = String::from_utf8_lossy(&output.stdout);
            let summary: Vec<&str> = report
                .lines()
                .skip_while(|l| !l.contains("SUMMARY"))
                .collect();
            println!("schemathesis as {}:\n{}", caller.name, summary.join("\n"));
            if output.status.success() {
                break;
            }
            println!("{report}\n{}", String::from_utf8_lossy(&output.stderr));
            let interpreter_fault = report.contains("AST constructor recursion depth mismatch")
                && !report.contains("Failures:")
                && summary.iter().any(|l| l.contains("Runtime Error: 1"));
            if attempt == 1 && interpreter_fault {
                println!(
                    "schemathesis as {}: the interpreter's ast fault; once more",
                    caller.name
                );
                continue;
            }
            failed.push(caller.name);
            break;
        }
    }
    assert!(
        failed.is_empty(),
        "schemathesis found failures as: {failed:?}"
    );
}
