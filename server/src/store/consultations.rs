//! Consultations (在线咨询) as stored: a thread per question with its posts (sealed), and the
//! FAQ entries staff made from good answers — written into the matter's guide at once, under a
//! new catalog version, and merged again into every catalog imported later.

use sqlx::any::AnyRow;
use sqlx::Row;
use tongban_core::calendar::Day;
use tongban_core::catalog::Faq;
use tongban_core::consultation::Author;
use tongban_core::ids::AccountId;

use super::messages::{insert_message, insert_notification};
use super::{json_column, open_text, to_json, NewMessage, NewNotification, Store};

#[derive(Clone, Debug, PartialEq)]
pub struct ConsultationRow {
    pub id: String,
    pub account_id: AccountId,
    pub matter_code: String,
    pub department_id: String,
    pub application_id: Option<String>,
    /// Waiting for the department's answer.
    pub waiting: bool,
    /// When the person last asked.
    pub asked_at: i64,
    /// The last day for the answer.
    pub answer_by: Day,
    pub in_faq: bool,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PostRow {
    pub id: String,
    pub author: Author,
    pub staff_id: Option<String>,
    pub text: String,
    pub at: i64,
}

/// A post with what it changes on its thread and tells the person.
pub struct ThreadPost<'a> {
    pub consultation_id: &'a str,
    pub post: &'a PostRow,
    /// A question (waiting again, with its new day) or an answer.
    pub answer_by: Option<Day>,
    pub messages: &'a [NewMessage],
    pub notifications: &'a [NewNotification],
}

const COLUMNS: &str = "id, account_id, matter_code, department_id, application_id, status,
    asked_at, answer_by, in_faq, created_at";

fn author_code(a: Author) -> &'static str {
    match a {
        Author::Person => "person",
        Author::Department => "department",
    }
}

fn consultation_from(r: &AnyRow) -> Result<ConsultationRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(ConsultationRow {
        id: r.try_get("id")?,
        account_id: AccountId::new(r.try_get::<String, _>("account_id")?),
        matter_code: r.try_get("matter_code")?,
        department_id: r.try_get("department_id")?,
        application_id: r.try_get("application_id")?,
        waiting: status == "waiting",
        asked_at: r.try_get("asked_at")?,
        answer_by: Day(r.try_get("answer_by")?),
        in_faq: r.try_get::<i64, _>("in_faq")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

async fn insert_post(
    tx: &mut super::WriteTx,
    store: &Store,
    consultation_id: &str,
    p: &PostRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO consultation_posts (id, consultation_id, author, staff_id, text, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&p.id)
    .bind(consultation_id)
    .bind(author_code(p.author))
    .bind(p.staff_id.as_deref())
    .bind(store.vault().seal("consultation_posts.text", &p.text))
    .bind(p.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// A new thread with its question.
    pub async fn put_consultation(
        &self,
        c: &ConsultationRow,
        question: &PostRow,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO consultations (id, account_id, matter_code, department_id, application_id,
                 status, asked_at, answer_by, in_faq, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7, 0, $8, $8)",
        )
        .bind(&c.id)
        .bind(c.account_id.as_str())
        .bind(&c.matter_code)
        .bind(&c.department_id)
        .bind(c.application_id.as_deref())
        .bind(c.asked_at)
        .bind(c.answer_by.0)
        .bind(c.created_at)
        .execute(&mut *tx)
        .await?;
        insert_post(&mut tx, self, &c.id, question).await?;
        tx.commit().await
    }

    pub async fn consultation(&self, id: &str) -> Result<Option<ConsultationRow>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM consultations WHERE id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .map(|r| consultation_from(&r))
            .transpose()
    }

    /// A thread's posts, oldest first.
    pub async fn consultation_posts(&self, id: &str) -> Result<Vec<PostRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, author, staff_id, text, at FROM consultation_posts
             WHERE consultation_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let author: String = r.try_get("author")?;
                let text: String = r.try_get("text")?;
                Ok(PostRow {
                    id: r.try_get("id")?,
                    author: if author == "department" {
                        Author::Department
                    } else {
                        Author::Person
                    },
                    staff_id: r.try_get("staff_id")?,
                    text: open_text(self.vault(), "consultation_posts.text", &text)?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The person's threads, newest first.
    pub async fn consultations_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<ConsultationRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM consultations WHERE account_id = $1 ORDER BY created_at DESC LIMIT 200"
        );
        sqlx::query(&sql)
            .bind(account.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(consultation_from)
            .collect()
    }

    /// A department's threads: waiting ones by their answer day, then the rest newest first.
    pub async fn department_consultations(
        &self,
        department_id: &str,
    ) -> Result<Vec<ConsultationRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM consultations WHERE department_id = $1
             ORDER BY CASE status WHEN 'waiting' THEN 0 ELSE 1 END, answer_by, created_at DESC
             LIMIT 500"
        );
        sqlx::query(&sql)
            .bind(department_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(consultation_from)
            .collect()
    }

    /// Adds a post: a question makes the thread wait again (until `answer_by`), an answer
    /// answers it; with what it tells the person, in one transaction.
    pub async fn add_consultation_post(&self, p: ThreadPost<'_>) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        insert_post(&mut tx, self, p.consultation_id, p.post).await?;
        match p.answer_by {
            Some(day) => {
                sqlx::query(
                    "UPDATE consultations SET status = 'waiting', asked_at = $1, answer_by = $2,
                         updated_at = $1 WHERE id = $3",
                )
                .bind(p.post.at)
                .bind(day.0)
                .bind(p.consultation_id)
                .execute(&mut *tx)
                .await?
            }
            None => {
                sqlx::query(
                    "UPDATE consultations SET status = 'answered', updated_at = $1 WHERE id = $2",
                )
                .bind(p.post.at)
                .bind(p.consultation_id)
                .execute(&mut *tx)
                .await?
            }
        };
        for m in p.messages {
            insert_message(&mut tx, m).await?;
        }
        for n in p.notifications {
            insert_notification(&mut tx, n).await?;
        }
        tx.commit().await
    }

    /// Adds a FAQ entry to a matter's guide (made from consultation `from`): recorded to survive
    /// imports, written into the guide, under a new catalog version so every instance and app
    /// serves the new guide. False when the thread was made a FAQ entry already, or the
    /// matter is not in the catalog.
    pub async fn add_faq(
        &self,
        id: &str,
        matter_code: &str,
        faq: &Faq,
        from: &str,
        staff_id: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let marked = sqlx::query(
            "UPDATE consultations SET in_faq = 1, updated_at = $1 WHERE id = $2 AND in_faq = 0",
        )
        .bind(now)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() == 0 {
            return Ok(false);
        }
        let Some(guide) = sqlx::query("SELECT guide_json FROM matters WHERE code = $1")
            .bind(matter_code)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<Option<String>, _>("guide_json"))
            .transpose()?
            .flatten()
        else {
            return Ok(false);
        };
        let mut matter: tongban_core::catalog::Matter = json_column("guide_json", &guide)?;
        matter.faq.push(faq.clone());
        sqlx::query("UPDATE matters SET guide_json = $1 WHERE code = $2")
            .bind(to_json(&matter)?)
            .bind(matter_code)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO faq_additions (id, matter_code, question_json, answer_json,
                 consultation_id, staff_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(matter_code)
        .bind(to_json(&faq.question)?)
        .bind(to_json(&faq.answer)?)
        .bind(from)
        .bind(staff_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        bump_catalog_version(&mut tx, id).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every FAQ entry staff added, oldest first: (matter, entry).
    pub async fn faq_additions(&self) -> Result<Vec<(String, Faq)>, sqlx::Error> {
        faq_additions(self.pool()).await
    }
}

pub(crate) async fn faq_additions<'e, E>(db: E) -> Result<Vec<(String, Faq)>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT matter_code, question_json, answer_json FROM faq_additions ORDER BY created_at, id",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let question: String = r.try_get("question_json")?;
            let answer: String = r.try_get("answer_json")?;
            Ok((
                r.try_get("matter_code")?,
                Faq {
                    question: json_column("question_json", &question)?,
                    answer: json_column("answer_json", &answer)?,
                },
            ))
        })
        .collect()
}

/// Merges the added FAQ entries into a catalog's matters (an entry the catalog already has, by
/// its Chinese question, is not added twice).
pub fn merge_faq(matters: &mut [tongban_core::catalog::Matter], additions: &[(String, Faq)]) {
    for (code, faq) in additions {
        if let Some(m) = matters.iter_mut().find(|m| &m.code == code) {
            if !m.faq.iter().any(|f| f.question.zh == faq.question.zh) {
                m.faq.push(faq.clone());
            }
        }
    }
}

/// A new catalog version for a change made in place (`<version>+<change id>`), in the
/// metadata and in the index it serves, so caches and apps take the new guides.
async fn bump_catalog_version(tx: &mut super::WriteTx, change: &str) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query("SELECT version, index_json FROM catalog_meta WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(());
    };
    let version: String = row.try_get("version")?;
    let index_json: String = row.try_get("index_json")?;
    let base = version.split('+').next().unwrap_or(&version);
    let short: String = change
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .take(8)
        .collect();
    let new_version = format!("{base}+{short}");
    let mut index: serde_json::Value = json_column("index_json", &index_json)?;
    index["version"] = serde_json::Value::String(new_version.clone());
    sqlx::query("UPDATE catalog_meta SET version = $1, index_json = $2 WHERE id = 1")
        .bind(&new_version)
        .bind(to_json(&index)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
