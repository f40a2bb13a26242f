//! Department staff as stored (the password only as an Argon2id hash).

use sqlx::Row;

use tongban_core::ids::StaffId;

use super::Store;

#[derive(Clone, Debug)]
pub struct StaffRow {
    pub id: StaffId,
    pub username: String,
    pub display_name: String,
    pub department: String,
    pub password_hash: String,
}

impl Store {
    pub async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRow>, sqlx::Error> {
        self.staff_where("username", username).await
    }

    pub async fn staff_member(&self, id: &StaffId) -> Result<Option<StaffRow>, sqlx::Error> {
        self.staff_where("id", id.as_str()).await
    }

    async fn staff_where(
        &self,
        column: &str,
        value: &str,
    ) -> Result<Option<StaffRow>, sqlx::Error> {
        let sql = format!(
            "SELECT id, username, display_name, department, password_hash FROM staff WHERE {column} = $1"
        );
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(StaffRow {
                id: StaffId::new(r.try_get::<String, _>("id")?),
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
                department: r.try_get("department")?,
                password_hash: r.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    /// Adds a staff member, or sets the password, name and department of an existing one.
    pub async fn put_staff(
        &self,
        username: &str,
        display_name: &str,
        department: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO staff (id, username, display_name, department, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                 department = excluded.department, password_hash = excluded.password_hash",
        )
        .bind(crate::auth::new_id())
        .bind(username)
        .bind(display_name)
        .bind(department)
        .bind(password_hash)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
