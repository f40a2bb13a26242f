//! Department staff as stored: each in one department with one role, the password only as an
//! Argon2id hash.

use sqlx::Row;
use tongban_core::case::StaffRole;
use tongban_core::ids::StaffId;

use super::Store;

#[derive(Clone, Debug)]
pub struct StaffRow {
    pub id: StaffId,
    pub username: String,
    pub display_name: String,
    /// The department's name as it was when the staff member was added (for display).
    pub department: String,
    pub department_id: String,
    pub role: StaffRole,
    pub password_hash: String,
}

/// A staff member to add (or change).
#[derive(Clone, Copy)]
pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub department_id: &'a str,
    pub department_name: &'a str,
    pub role: StaffRole,
    pub password_hash: &'a str,
    pub now: i64,
}

const STAFF_COLUMNS: &str =
    "id, username, display_name, department, department_id, role, password_hash";

fn staff_from_row(r: &sqlx::any::AnyRow) -> Result<StaffRow, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(StaffRow {
        id: StaffId::new(r.try_get::<String, _>("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        department: r.try_get("department")?,
        department_id: r.try_get("department_id")?,
        role: StaffRole::from_code(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "role".into(),
            source: format!("unknown role {role:?}").into(),
        })?,
        password_hash: r.try_get("password_hash")?,
    })
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
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE {column} = $1");
        sqlx::query(&sql)
            .bind(value)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(staff_from_row)
            .transpose()
    }

    /// A department's staff, by name.
    pub async fn staff_of(&self, department_id: &str) -> Result<Vec<StaffRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE department_id = $1 ORDER BY display_name"
        );
        sqlx::query(&sql)
            .bind(department_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(staff_from_row)
            .collect()
    }

    /// Adds a staff member, or sets the password, name, department and role of an existing one.
    /// Without a department name, the department's own (from the catalog) is kept.
    pub async fn put_staff(&self, s: NewStaff<'_>) -> Result<(), sqlx::Error> {
        let known = if s.department_name.is_empty() {
            self.department(s.department_id)
                .await?
                .map(|d| d.name.zh)
                .unwrap_or_default()
        } else {
            s.department_name.to_owned()
        };
        sqlx::query(
            "INSERT INTO staff (id, username, display_name, department, department_id, role,
                 password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                 department = excluded.department, department_id = excluded.department_id,
                 role = excluded.role, password_hash = excluded.password_hash",
        )
        .bind(crate::auth::new_id())
        .bind(s.username)
        .bind(s.display_name)
        .bind(&known)
        .bind(s.department_id)
        .bind(s.role.code())
        .bind(s.password_hash)
        .bind(s.now)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

impl<'a> NewStaff<'a> {
    /// A staff member of `department_id` with `role`, its name as the catalog has it.
    pub fn new(
        username: &'a str,
        display_name: &'a str,
        department_id: &'a str,
        role: StaffRole,
        password_hash: &'a str,
    ) -> Self {
        Self {
            username,
            display_name,
            department_id,
            department_name: "",
            role,
            password_hash,
            now: 0,
        }
    }
}
