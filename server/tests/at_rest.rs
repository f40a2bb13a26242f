//! Personal data at rest and in documents: photos stored without their metadata, documents
//! sealed in the object store, sealed columns re-sealed when the key changes, and production
//! never running without data keys.

mod support;

use support::auth::AuthServer;
use support::forms::{ID_A, PHONE_A};
use tongban_server::store::Store;
use tongban_server::vault::Vault;

/// A photo taken at home loses where it was taken: stored without its EXIF (GPS) and XMP, still
/// upright.
#[tokio::test]
async fn a_photo_loses_its_metadata_but_not_its_orientation() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (a, _) = server.login(PHONE_A).await;
    a.verify_identity("张三", ID_A).await.unwrap();
    let mut exif = exif::experimental::Writer::new();
    let fields = [
        exif::Field {
            tag: exif::Tag::Orientation,
            ifd_num: exif::In::PRIMARY,
            value: exif::Value::Short(vec![6]),
        },
        exif::Field {
            tag: exif::Tag::ImageDescription,
            ifd_num: exif::In::PRIMARY,
            value: exif::Value::Ascii(vec![b"at home, Wensan Road".to_vec()]),
        },
        exif::Field {
            tag: exif::Tag::GPSLatitudeRef,
            ifd_num: exif::In::PRIMARY,
            value: exif::Value::Ascii(vec![b"N".to_vec()]),
        },
        exif::Field {
            tag: exif::Tag::GPSLatitude,
            ifd_num: exif::In::PRIMARY,
            value: exif::Value::Rational(vec![(30, 1).into(), (16, 1).into(), (2667, 100).into()]),
        },
    ];
    for f in &fields {
        exif.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    exif.write(&mut tiff, false).unwrap();
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff.into_inner());
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>30,16.44N</exif:GPSLatitude></x:xmpmeta>";
    let mut photo = support::forms::JPEG[..2].to_vec();
    for segment in [&app1[..], &xmp[..]] {
        photo.extend([0xFF, 0xE1]);
        photo.extend(((segment.len() + 2) as u16).to_be_bytes());
        photo.extend(segment);
    }
    photo.extend(&support::forms::JPEG[2..]);
    let stored = a.upload_material(photo.clone()).await.unwrap();
    assert_eq!(stored.kind, "image/jpeg");
    let kept = a.material(&stored.object_id).await.unwrap();
    assert!(kept.len() < photo.len());
    let text = String::from_utf8_lossy(&kept);
    assert!(!text.contains("Wensan") && !text.contains("GPSLatitude") && !text.contains("xmpmeta"));
    let start = kept
        .windows(6)
        .position(|w| w == b"Exif\0\0")
        .expect("the orientation stays")
        + 6;
    let end = start + u16::from_be_bytes([kept[start - 8], kept[start - 7]]) as usize - 8;
    let read = exif::Reader::new()
        .read_raw(kept[start..end].to_vec())
        .unwrap();
    assert!(read
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .is_none());
    assert!(read
        .get_field(exif::Tag::ImageDescription, exif::In::PRIMARY)
        .is_none());
    let turned = read
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(turned.value.get_uint(0), Some(6));
}

/// A document's bytes are sealed with its own key before they reach the object store: the
/// folder (or bucket) alone gives nothing away; the person still gets the picture back.
#[tokio::test]
async fn documents_are_sealed_in_the_object_store() {
    let objects = tempfile::tempdir().unwrap();
    let folder = objects.path().to_path_buf();
    let server = AuthServer::on_sqlite(move |c| c.object_dir = folder).await;
    let api = {
        let (api, _) = server.login(PHONE_A).await;
        api.verify_identity("张三", ID_A).await.unwrap();
        api
    };
    let stored = api
        .upload_material(support::forms::JPEG.to_vec())
        .await
        .unwrap();
    let raw = std::fs::read(objects.path().join(&stored.object_id)).unwrap();
    let back = api.material(&stored.object_id).await.unwrap();
    assert_eq!(back.len() as u64, stored.size);
    assert!(
        back.starts_with(&[0xFF, 0xD8, 0xFF]),
        "the person gets the picture"
    );
    assert!(raw.starts_with(b"TBD1"), "sealed in the store");
    let piece = &back[back.len() / 2..back.len() / 2 + 16];
    assert!(
        !raw.windows(16).any(|w| w == piece),
        "no plain bytes in the store"
    );
}

/// Production never runs with personal data unsealed: without data keys it does not start,
/// and says what to configure.
#[tokio::test]
async fn production_refuses_to_start_without_data_keys() {
    let dir = tempfile::tempdir().unwrap();
    let web = support::fake_web_dir();
    let mut config = tongban_server::Config::for_tests(support::sqlite_url(dir.path()), web.path());
    config.dev = false;
    config.sms_gateway_url = Some("http://127.0.0.1:9/sms".into());
    config.identity_verifier_url = Some("http://127.0.0.1:9/verify".into());
    let refused = tongban_server::start(config.clone())
        .await
        .err()
        .expect("refused");
    assert!(
        format!("{refused:#}").contains("TONGBAN_DATA_KEYS"),
        "{refused:#}"
    );
    config.data_keys = vec!["k1:aes-256-gcm:c2hvcnQ=".into()];
    config.lookup_key = Some("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=".into());
    let refused = tongban_server::start(config)
        .await
        .err()
        .expect("a short key is refused");
    assert!(format!("{refused:#}").contains("32 bytes"), "{refused:#}");
}

fn key(id: &str, algorithm: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "{id}:{algorithm}:{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Rotation: a database written under one key (and rows from before encryption) is re-sealed in
/// the background with the next, while old values keep opening; afterwards the old key can go.
/// Rotation: a database written under one key (and rows from before encryption) is re-sealed in
/// the background with the next, while old values keep opening; afterwards the old key can go.
#[tokio::test]
async fn rotation_re_seals_everything_with_the_new_key() {
    use tongban_server::rotation::{pending, rotate_batch};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let lookup = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode([9u8; 32])
    };
    let k1 = key("k1", "aes-256-gcm", &[1; 32]);
    let k2 = key("k2", "sm4-gcm", &[2; 16]);
    let before = Store::connect(&url, Vault::from_config(&[k1.clone()], &lookup).unwrap())
        .await
        .unwrap();
    before.migrate().await.unwrap();
    let a = before.account_for_phone("13800138000", 1).await.unwrap();
    before
        .set_identity(&a.id, "张三", "11010519491231002X", 2)
        .await
        .unwrap();
    // An account verified before encryption existed: plain values, no lookup hash.
    let b = before.account_for_phone("13900139000", 1).await.unwrap();
    sqlx::query(
        "UPDATE accounts SET real_name = '李四', id_number = '110105194912310037' WHERE id = $1",
    )
    .bind(b.id.as_str())
    .execute(before.pool())
    .await
    .unwrap();
    before.close().await;

    let during = Store::connect(
        &url,
        Vault::from_config(&[k2.clone(), k1], &lookup).unwrap(),
    )
    .await
    .unwrap();
    let stale: i64 = pending(&during).await.unwrap().iter().map(|(_, n)| n).sum();
    assert_eq!(stale, 4, "two names and two numbers");
    assert_eq!(
        during
            .account(&a.id)
            .await
            .unwrap()
            .unwrap()
            .real_name
            .as_deref(),
        Some("张三"),
        "old values open during rotation"
    );
    assert_eq!(
        during
            .account_with_id_number("110105194912310037")
            .await
            .unwrap(),
        Some(b.id.clone()),
        "a plain number is still found before it is sealed"
    );
    while rotate_batch(&during).await.unwrap() > 0 {}
    assert!(pending(&during).await.unwrap().iter().all(|(_, n)| *n == 0));
    support::at_rest::nothing_plain(&during, "李四").await;
    during.close().await;

    let after = Store::connect(&url, Vault::from_config(&[k2], &lookup).unwrap())
        .await
        .unwrap();
    assert_eq!(
        after
            .account(&b.id)
            .await
            .unwrap()
            .unwrap()
            .id_number
            .as_deref(),
        Some("110105194912310037")
    );
    assert_eq!(
        after
            .account_with_id_number("11010519491231002X")
            .await
            .unwrap(),
        Some(a.id),
        "found by its keyed hash"
    );
    let sealed: String = sqlx::query_scalar("SELECT real_name FROM accounts WHERE id = $1")
        .bind(b.id.as_str())
        .fetch_one(after.pool())
        .await
        .unwrap();
    assert!(sealed.starts_with("tb1:k2:"), "{sealed}");
}
