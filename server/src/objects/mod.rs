//! Where uploaded materials' bytes live: a local folder by default, an S3-compatible bucket
//! (`bucket.rs`, through the `object_store` crate) when instances are many. Names are
//! server-generated ids, never the person's file names.

mod bucket;

pub use bucket::{Bucket, S3Options, DEFAULT_REGION};

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

pub type ObjectFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ObjectError>> + Send + 'a>>;

/// Why the object store did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    /// No room left (a full disk or a bucket over quota): nothing was stored.
    #[error("no room: {0}")]
    Full(String),
    #[error("{0}")]
    Failed(String),
}

impl ObjectError {
    fn io(what: String, e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::StorageFull {
            Self::Full(format!("{what}: {e}"))
        } else {
            Self::Failed(format!("{what}: {e}"))
        }
    }
}

pub trait ObjectStore: Send + Sync + 'static {
    fn put<'a>(&'a self, id: &'a str, bytes: Vec<u8>) -> ObjectFuture<'a, ()>;
    fn get<'a>(&'a self, id: &'a str) -> ObjectFuture<'a, Option<Vec<u8>>>;
}

/// Objects as files in one folder (created on first use).
pub struct LocalFolder(pub PathBuf);

/// Ids are UUIDs; anything else never reaches a file system or a bucket.
fn check_id(id: &str) -> Result<(), ObjectError> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(ObjectError::Failed(format!("not an object id: {id:?}")));
    }
    Ok(())
}

impl LocalFolder {
    fn path(&self, id: &str) -> Result<PathBuf, ObjectError> {
        check_id(id)?;
        Ok(self.0.join(id))
    }
}

impl ObjectStore for LocalFolder {
    fn put<'a>(&'a self, id: &'a str, bytes: Vec<u8>) -> ObjectFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(id)?;
            tokio::fs::create_dir_all(&self.0)
                .await
                .map_err(|e| ObjectError::io(format!("cannot create {}", self.0.display()), e))?;
            // Written beside and renamed: a crash never leaves half a file under the id.
            let partial = path.with_extension("partial");
            if let Err(e) = tokio::fs::write(&partial, bytes).await {
                // A half-written file takes room and names nothing: away with it.
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(ObjectError::io(
                    format!("cannot write {}", partial.display()),
                    e,
                ));
            }
            tokio::fs::rename(&partial, &path)
                .await
                .map_err(|e| ObjectError::io(format!("cannot store {}", path.display()), e))
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> ObjectFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            match tokio::fs::read(self.path(id)?).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(ObjectError::io("cannot read".into(), e)),
            }
        })
    }
}

/// What the bytes are, by their content (never by the file name): the kinds a department accepts.
/// A stored document as it is answered: its content type, never sniffed by the browser, never
/// cached; a PDF only as an attachment (it may carry scripts and forms), an image inline.
pub fn document_response(kind: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let disposition = if kind.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let content_type =
        HeaderValue::from_str(kind).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static(disposition),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.len() > 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1")
    {
        Some("image/heic")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_the_kind_not_the_name() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\0 an executable"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_full_disk_is_told_apart_from_other_failures() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert!(matches!(
            ObjectError::io("x".into(), full),
            ObjectError::Full(_)
        ));
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(matches!(
            ObjectError::io("x".into(), denied),
            ObjectError::Failed(_)
        ));
    }

    #[tokio::test]
    async fn a_folder_keeps_objects_by_id_and_refuses_other_names() {
        let dir =
            std::env::temp_dir().join(format!("tongban-objects-test-{}", crate::auth::new_id()));
        let store = LocalFolder(dir.clone());
        store.put("0199-abc", vec![1, 2, 3]).await.unwrap();
        assert_eq!(store.get("0199-abc").await.unwrap(), Some(vec![1, 2, 3]));
        assert_eq!(store.get("0199-abd").await.unwrap(), None);
        assert!(store.put("../escape", vec![]).await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
