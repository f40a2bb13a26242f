//! Objects in an S3-compatible bucket, through the `object_store` crate: the store several
//! server instances share (an instance keeps no document of its own). Chosen with
//! `--object-store s3://bucket[/prefix]`; endpoint, region and keys come from the configuration.

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore as _, PutPayload, RetryConfig};

use super::{ObjectError, ObjectFuture, ObjectStore};

/// The region named when the configuration names none (S3-compatible services mostly ignore it).
pub const DEFAULT_REGION: &str = "us-east-1";

/// How to reach the bucket (`--object-store s3://…`): any S3-compatible service.
#[derive(Clone, Default, clap::Args)]
pub struct S3Options {
    /// The S3 endpoint (`https://oss-cn-hangzhou.aliyuncs.com`, `http://127.0.0.1:9000`); none:
    /// AWS itself. Plain `http://` only for a store on a private network.
    #[arg(long = "s3-endpoint", env = "TONGBAN_S3_ENDPOINT")]
    pub endpoint: Option<String>,
    #[arg(
        long = "s3-region",
        env = "TONGBAN_S3_REGION",
        default_value = DEFAULT_REGION
    )]
    pub region: String,
    #[arg(long = "s3-access-key-id", env = "TONGBAN_S3_ACCESS_KEY_ID")]
    pub access_key_id: Option<String>,
    /// Keep it in the environment (or a secrets manager), not on the command line.
    #[arg(
        long = "s3-secret-access-key",
        env = "TONGBAN_S3_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub secret_access_key: Option<String>,
}

/// Never the secret, in a log or an error.
impl std::fmt::Debug for S3Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Options")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "…"),
            )
            .finish()
    }
}

pub struct Bucket {
    store: Arc<dyn object_store::ObjectStore>,
    prefix: Path,
    /// `s3://bucket/prefix`, for messages (never the keys).
    url: String,
}

impl Bucket {
    /// The bucket named by `url`: `s3://bucket` or `s3://bucket/prefix`.
    pub fn connect(url: &str, options: &S3Options) -> Result<Self, ObjectError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| ObjectError::Failed(format!("not an s3:// URL: {url:?}")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(ObjectError::Failed(format!("no bucket in {url:?}")));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&options.region)
            // A store that does not answer is a 503 in seconds, not a request hanging a minute.
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(5),
                ..RetryConfig::default()
            })
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(3))
                    .with_timeout(Duration::from_secs(30)),
            );
        if let Some(endpoint) = &options.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(key) = &options.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &options.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder
            .build()
            .map_err(|e| ObjectError::Failed(format!("{url}: {e}")))?;
        Ok(Self {
            store: Arc::new(store),
            prefix: Path::from(prefix),
            url: url.to_owned(),
        })
    }

    fn path(&self, id: &str) -> Result<Path, ObjectError> {
        super::check_id(id)?;
        Ok(self.prefix.child(id))
    }

    fn failed(&self, what: &str, id: &str, e: object_store::Error) -> ObjectError {
        // A full disk under the store, where the error says so; anything else is a failure.
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(c) = cause {
            if c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
            {
                return ObjectError::Full(format!("{what} {id} in {}: {e}", self.url));
            }
            cause = c.source();
        }
        ObjectError::Failed(format!("{what} {id} in {}: {e}", self.url))
    }
}

impl ObjectStore for Bucket {
    fn put<'a>(&'a self, id: &'a str, bytes: Vec<u8>) -> ObjectFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(id)?;
            // One PUT: an object appears whole or not at all.
            self.store
                .put(&path, PutPayload::from(bytes))
                .await
                .map_err(|e| self.failed("cannot store", id, e))?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> ObjectFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let path = self.path(id)?;
            let found = match self.store.get(&path).await {
                Ok(found) => found,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(self.failed("cannot read", id, e)),
            };
            let bytes = found
                .bytes()
                .await
                .map_err(|e| self.failed("cannot read", id, e))?;
            Ok(Some(bytes.to_vec()))
        })
    }
}
