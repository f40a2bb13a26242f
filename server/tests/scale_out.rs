//! Two server instances over one PostgreSQL database and one bucket of a real S3-compatible
//! server (s3s-fs from crates.io, started here): what one instance writes, the other serves —
//! documents, sessions, rate limits, the audit chain — and a bucket that stops answering is a
//! quick 503, not a hung request.

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::auth::AuthServer;
use support::forms::{ID_A, JPEG, PHONE_A};
use support::postgres::{free_port, TempPostgres};
use tongban_core::ApiError;
use tongban_server::objects::S3Options;
use tongban_server::Config;

const BUCKET: &str = "tongban";
const ACCESS_KEY: &str = "tongban-test";
const SECRET_KEY: &str = "tongban-test-secret-key";

/// `s3s-fs`: from `S3S_FS`, else where `cargo xtask test` builds it. Never skipped.
fn s3s_fs() -> PathBuf {
    let path = std::env::var_os("S3S_FS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/tools/s3s-fs-0.14.1/bin/s3s-fs")
        });
    assert!(
        path.is_file(),
        "s3s-fs is not at {}: `cargo xtask test` builds it, or run \
         `cargo install s3s-fs --version 0.14.1 --features binary --locked --root target/tools/s3s-fs-0.14.1` \
         (or set S3S_FS to its path)",
        path.display()
    );
    path
}

/// An S3-compatible server on a folder of its own, with one bucket.
struct S3Server {
    child: Child,
    root: tempfile::TempDir,
    endpoint: String,
}

impl S3Server {
    fn start() -> Self {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(BUCKET)).unwrap();
        let port = free_port();
        let child = Command::new(s3s_fs())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("s3s-fs starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "s3s-fs did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            root,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn instance_config(config: &mut Config, s3: &S3Server, keys: &std::path::Path) {
    config.object_store = Some(format!("s3://{BUCKET}/documents"));
    config.s3 = S3Options {
        endpoint: Some(s3.endpoint.clone()),
        region: tongban_server::objects::DEFAULT_REGION.into(),
        access_key_id: Some(ACCESS_KEY.into()),
        secret_access_key: Some(SECRET_KEY.into()),
    };
    // The same data keys everywhere (in development, the same key file).
    config.dev_key_file = keys.to_owned();
    config.auth.max_sends_per_phone = 3;
    config.auth.code_resend_seconds = 0;
}

#[tokio::test]
async fn two_instances_share_the_database_and_the_bucket_and_keep_nothing_of_their_own() {
    let mut s3 = S3Server::start();
    let pg = TempPostgres::start();
    let url = pg.new_database();
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("dev-keys");
    let a = AuthServer::on(url.clone(), vec![], |c| instance_config(c, &s3, &key_file)).await;
    let b = AuthServer::on(url, vec![], |c| instance_config(c, &s3, &key_file)).await;
    // Each test server has a clock of its own, stopped at its start: one time for both, as
    // synchronised clocks are in production (limits compare times written by either).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    a.clock.set(now);
    b.clock.set(now);

    // A session opened through one instance works through the other.
    let (on_a, secrets) = a.login(PHONE_A).await;
    let on_b = tongban_core::ApiClient::new(&b.base).with_secret_store(secrets.clone());
    on_b.verify_identity("张三", ID_A).await.unwrap();

    // A document uploaded through one is downloaded through the other, from the bucket.
    let stored = on_a.upload_material(JPEG.to_vec()).await.unwrap();
    let through_b = on_b.material(&stored.object_id).await.unwrap();
    assert_eq!(through_b.len() as u64, stored.size);
    assert_eq!(through_b, on_a.material(&stored.object_id).await.unwrap());
    let object = s3
        .root
        .path()
        .join(BUCKET)
        .join("documents")
        .join(&stored.object_id);
    let in_bucket = std::fs::read(&object).unwrap_or_else(|e| {
        panic!(
            "the object is not in the bucket at {}: {e}",
            object.display()
        )
    });
    assert!(
        in_bucket.starts_with(b"TBD1") && in_bucket.len() > through_b.len(),
        "the bucket holds the sealed document, not the photo"
    );
    assert!(
        !in_bucket
            .windows(64)
            .any(|w| w == &through_b[through_b.len() / 2..through_b.len() / 2 + 64]),
        "no run of the photo's bytes in the bucket"
    );

    // Rate limits are counted in the database: three codes in all, whichever instance sent them.
    let phone = "13900139000";
    let (ca, _) = a.client();
    let (cb, _) = b.client();
    ca.send_login_code(phone).await.unwrap();
    cb.send_login_code(phone).await.unwrap();
    ca.send_login_code(phone).await.unwrap();
    match cb.send_login_code(phone).await {
        Err(ApiError::RateLimited { .. }) => {}
        other => panic!("a fourth code through the other instance: {other:?}"),
    }
    // The code sent last, through A, logs in through B.
    let code = a.sms.last_code(phone).unwrap();
    cb.login(phone, &code).await.unwrap();

    // Both appended to one audit chain, unbroken.
    let report = a.server.db().verify_audit_chain().await.unwrap();
    assert_eq!(report.broken, None, "{report:?}");
    assert!(report.chained > 4);

    // The bucket stops answering: an upload is a 503 within seconds; nothing is recorded.
    s3.stop();
    let started = Instant::now();
    match on_b.upload_material(JPEG.to_vec()).await {
        Err(ApiError::Server { status: 503, .. }) => {}
        other => panic!("an upload with the bucket gone: {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "answered after {:?}",
        started.elapsed()
    );
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM materials")
        .fetch_one(a.server.db().pool())
        .await
        .unwrap();
    assert_eq!(recorded, 1, "only the document that was stored");
    a.server.shutdown().await.unwrap();
    b.server.shutdown().await.unwrap();
}
