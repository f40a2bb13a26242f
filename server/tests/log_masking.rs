//! A whole identity flow with the server's log captured: the log never holds a full phone or ID
//! number (masked forms only), and the development sender's code line is there.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::auth::AuthServer;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_log_holds_no_full_phone_or_id_number() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("trace,sqlx=info,hyper=info,reqwest=info,h2=info")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let phone = "13812345678";
    let other_phone = "15887654321";
    let id_number = "11010519491231002X";
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (client, _) = server.login(phone).await;
    client
        .verify_identity("张三", &id_number.to_lowercase())
        .await
        .unwrap();
    client.me().await.unwrap();
    client.sessions().await.unwrap();
    let (other, _) = server.client();
    other.send_login_code(other_phone).await.unwrap();
    other.login(other_phone, "000001").await.ok();
    let (third, _) = server.login("13700001111").await;
    assert!(third.verify_identity("李四", id_number).await.is_err());
    client.logout().await.unwrap();
    let code = server.sms.last_code(phone).unwrap();
    let lines = server.server.db().audit_lines().await.unwrap();
    server.server.shutdown().await.unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("development SMS"), "{log}");
    assert!(log.contains(&code), "the development code is in the log");
    assert!(
        log.contains("138****5678") && log.contains("tongban::audit"),
        "{log}"
    );
    for secret in [
        phone,
        other_phone,
        "13700001111",
        id_number,
        &id_number.to_lowercase(),
        "110105194912",
    ] {
        assert!(!log.contains(secret), "the log holds {secret}:\n{log}");
        for line in &lines {
            assert!(
                !line.contains(secret),
                "the audit log holds {secret}: {line}"
            );
        }
    }
    assert!(
        lines.iter().any(|l| l.contains("id:110***********002X")),
        "{lines:#?}"
    );
}
