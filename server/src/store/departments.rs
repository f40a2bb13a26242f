//! Departments as stored: written with every catalog import (kept when a later catalog no longer
//! names one, since staff and cases still refer to it).

use sqlx::Row;
use tongban_core::catalog::Department;
use tongban_core::LocalizedText;

use super::{json_column, to_json, Store};

pub(super) async fn put_departments(
    tx: &mut super::WriteTx,
    departments: &[Department],
) -> Result<(), sqlx::Error> {
    for d in departments {
        sqlx::query(
            "INSERT INTO departments (id, name_zh, name_en, region_code, phone, halls_json)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
                 region_code = excluded.region_code, phone = excluded.phone,
                 halls_json = excluded.halls_json",
        )
        .bind(&d.id)
        .bind(&d.name.zh)
        .bind(d.name.en.as_deref())
        .bind(&d.region_code)
        .bind(&d.phone)
        .bind(to_json(&d.halls)?)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    pub async fn departments(&self) -> Result<Vec<Department>, sqlx::Error> {
        sqlx::query("SELECT id, name_zh, name_en, region_code, phone, halls_json FROM departments ORDER BY id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(Department {
                    id: r.try_get("id")?,
                    name: LocalizedText {
                        zh: r.try_get("name_zh")?,
                        en: r.try_get("name_en")?,
                    },
                    region_code: r.try_get("region_code")?,
                    phone: r.try_get("phone")?,
                    halls: json_column("halls_json", &r.try_get::<String, _>("halls_json")?)?,
                })
            })
            .collect()
    }

    pub async fn department(&self, id: &str) -> Result<Option<Department>, sqlx::Error> {
        Ok(self.departments().await?.into_iter().find(|d| d.id == id))
    }
}
