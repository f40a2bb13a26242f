//! The catalog as stored: matters with their guides, and the current index.

use sqlx::Row;
use tongban_core::catalog::{Catalog, Matter};

use super::Store;

impl Store {
    pub async fn count_matters(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) FROM matters")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)
    }

    /// The catalog's version and its search index as JSON, if a catalog was imported.
    pub async fn catalog_index(&self) -> Result<Option<(String, String)>, sqlx::Error> {
        let row = sqlx::query("SELECT version, index_json FROM catalog_meta WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("version")?, r.try_get("index_json")?)))
            .transpose()
    }

    pub async fn catalog_version(&self) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT version FROM catalog_meta WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("version")).transpose()
    }

    /// A matter's full service guide as JSON.
    pub async fn matter_guide(&self, code: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT guide_json FROM matters WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| r.try_get::<Option<String>, _>("guide_json"))
            .transpose()?
            .flatten())
    }

    /// A matter's guide, read.
    pub async fn matter(&self, code: &str) -> Result<Option<Matter>, sqlx::Error> {
        self.matter_guide(code)
            .await?
            .map(|json| super::json_column("guide_json", &json))
            .transpose()
    }

    /// Replaces the whole catalog in one transaction: readers see the old one or the new one.
    pub async fn replace_catalog(
        &self,
        catalog: &Catalog,
        index_json: &str,
    ) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        // FAQ entries staff made from answers (在线咨询) stay through every import.
        let additions = super::consultations::faq_additions(&mut *tx).await?;
        let mut matters = catalog.matters.clone();
        super::consultations::merge_faq(&mut matters, &additions);
        sqlx::query("DELETE FROM matters").execute(&mut *tx).await?;
        let mut added = 0;
        for m in &matters {
            let guide = serde_json::to_string(m).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            let result = sqlx::query(
                "INSERT INTO matters (code, name_zh, name_en, department_zh, department_en, region_code,
                     matter_type, audience, fully_online, visits_needed, promised_days, popularity, guide_json)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(&m.code)
            .bind(&m.name.zh)
            .bind(m.name.en.as_deref())
            .bind(&m.department.zh)
            .bind(m.department.en.as_deref())
            .bind(&m.region_code)
            .bind(m.matter_type.code())
            .bind(m.audience.code())
            .bind(i64::from(m.fully_online))
            .bind(i64::from(m.visits_needed))
            .bind(i64::from(m.promised_days))
            .bind(i64::from(m.popularity))
            .bind(guide)
            .execute(&mut *tx)
            .await?;
            added += result.rows_affected();
        }
        sqlx::query("DELETE FROM catalog_meta")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO catalog_meta (id, version, index_json) VALUES (1, $1, $2)")
            .bind(&catalog.version)
            .bind(index_json)
            .execute(&mut *tx)
            .await?;
        super::departments::put_departments(&mut tx, &catalog.departments).await?;
        super::appointments::put_halls(&mut tx, &catalog.halls).await?;
        tx.commit().await?;
        Ok(added)
    }
}
