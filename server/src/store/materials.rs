//! Uploaded documents as recorded: which object, whose, of what type, and the document's own key
//! (sealed with the data key). The bytes live in the object store (`crate::objects`), sealed
//! with that key (`crate::documents`).

use sqlx::Row;
use tongban_core::ids::AccountId;

use super::{open_text, Store};

#[derive(Clone, Debug)]
pub struct MaterialRow {
    pub id: String,
    pub owner: AccountId,
    /// The content type found by sniffing the bytes.
    pub kind: String,
    /// The document's key (base64), opened; none for documents stored before encryption.
    pub doc_key: Option<String>,
}

/// A document to record.
pub struct NewMaterial<'a> {
    pub id: &'a str,
    pub owner: &'a AccountId,
    pub kind: &'a str,
    pub size: u64,
    /// The document's key (base64); sealed before it is stored.
    pub doc_key: &'a str,
    pub at: i64,
}

impl Store {
    pub async fn add_material(&self, m: NewMaterial<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO materials (id, owner, kind, size, created_at, doc_key)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(m.id)
        .bind(m.owner.as_str())
        .bind(m.kind)
        .bind(m.size as i64)
        .bind(m.at)
        .bind(self.vault().seal("materials.doc_key", m.doc_key))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn material(&self, id: &str) -> Result<Option<MaterialRow>, sqlx::Error> {
        let row = sqlx::query("SELECT id, owner, kind, doc_key FROM materials WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(MaterialRow {
                id: r.try_get("id")?,
                owner: AccountId::new(r.try_get::<String, _>("owner")?),
                kind: r.try_get("kind")?,
                doc_key: r
                    .try_get::<Option<String>, _>("doc_key")?
                    .map(|k| open_text(self.vault(), "materials.doc_key", &k))
                    .transpose()?,
            })
        })
        .transpose()
    }

    /// The ids among `ids` that are not documents `owner` uploaded, in their order: one query
    /// for them all (a submission asked once per material, and opened each sealed key).
    pub async fn not_owned_materials(
        &self,
        owner: &AccountId,
        ids: &[String],
    ) -> Result<Vec<String>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut distinct: Vec<&String> = ids.iter().collect();
        distinct.sort();
        distinct.dedup();
        let placeholders = (2..distinct.len() + 2)
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT id FROM materials WHERE owner = $1 AND id IN ({placeholders})");
        let owned: std::collections::HashSet<String> = distinct
            .iter()
            .fold(sqlx::query_scalar(&sql).bind(owner.as_str()), |q, id| {
                q.bind(id.as_str())
            })
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .collect();
        Ok(ids
            .iter()
            .filter(|id| !owned.contains(*id))
            .cloned()
            .collect())
    }
}
