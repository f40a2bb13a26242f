//! Personal data at rest as an operator with the database (or a backup of it) sees it.

use tongban_server::store::Store;

/// The sealed columns, as an operator with the database (or a backup of it) sees them.
pub const SEALED_COLUMNS: [(&str, &str); 7] = [
    ("accounts", "real_name"),
    ("accounts", "id_number"),
    ("drafts", "state_json"),
    ("draft_ops", "reply_json"),
    ("applications", "answers_json"),
    ("cases", "answers_json"),
    ("materials", "doc_key"),
];

/// No sealed column holds `plain`, and every value in them is sealed.
pub async fn nothing_plain(store: &Store, plain: &str) {
    for (table, column) in SEALED_COLUMNS {
        let values: Vec<Option<String>> =
            sqlx::query_scalar(&format!("SELECT {column} FROM {table}"))
                .fetch_all(store.pool())
                .await
                .unwrap();
        for value in values.into_iter().flatten() {
            assert!(!value.contains(plain), "{table}.{column} holds {plain:?}");
            assert!(
                value.starts_with("tb1:"),
                "{table}.{column} is not sealed: {value}"
            );
        }
    }
}
