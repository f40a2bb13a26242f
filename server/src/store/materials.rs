//! Uploaded documents as recorded: which object, whose, of what type. The bytes live in the
//! object store (`crate::objects`).

use sqlx::Row;
use tongban_core::ids::AccountId;

use super::Store;

#[derive(Clone, Debug)]
pub struct MaterialRow {
    pub id: String,
    pub owner: AccountId,
    /// The content type found by sniffing the bytes.
    pub kind: String,
}

impl Store {
    pub async fn add_material(
        &self,
        id: &str,
        owner: &AccountId,
        kind: &str,
        size: u64,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO materials (id, owner, kind, size, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(owner.as_str())
        .bind(kind)
        .bind(size as i64)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn material(&self, id: &str) -> Result<Option<MaterialRow>, sqlx::Error> {
        let row = sqlx::query("SELECT id, owner, kind FROM materials WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(MaterialRow {
                id: r.try_get("id")?,
                owner: AccountId::new(r.try_get::<String, _>("owner")?),
                kind: r.try_get("kind")?,
            })
        })
        .transpose()
    }

    /// The ids among `ids` that are not documents `owner` uploaded.
    pub async fn not_owned_materials(
        &self,
        owner: &AccountId,
        ids: &[String],
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut missing = Vec::new();
        for id in ids {
            match self.material(id).await? {
                Some(row) if row.owner == *owner => {}
                _ => missing.push(id.clone()),
            }
        }
        Ok(missing)
    }
}
