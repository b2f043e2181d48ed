//! Server-side sessions in the database, so several `serve` instances behind a
//! load balancer on one PostgreSQL share them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

use crate::Database;
use crate::entities::session;

/// A [`SessionStore`] over Onward's own database (table `sessions`).
#[derive(Clone, Debug)]
pub struct DatabaseSessionStore {
    database: Database,
}

impl DatabaseSessionStore {
    pub fn new(database: Database) -> Self {
        Self { database }
    }

    /// Removes sessions past their expiry; run periodically by `serve`.
    pub async fn delete_expired(&self) -> crate::Result<u64> {
        let result = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(Utc::now()))
            .exec(self.database.conn())
            .await?;
        Ok(result.rows_affected)
    }
}

fn backend(err: impl std::fmt::Display) -> Error {
    Error::Backend(err.to_string())
}

fn to_model(record: &Record) -> Result<session::ActiveModel> {
    let data = serde_json::to_string(record).map_err(|err| Error::Encode(err.to_string()))?;
    let expires_at = DateTime::<Utc>::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .ok_or_else(|| Error::Encode("session expiry out of range".to_owned()))?;
    Ok(session::ActiveModel {
        id: Set(record.id.to_string()),
        data: Set(data),
        expires_at: Set(expires_at),
    })
}

#[async_trait::async_trait]
impl SessionStore for DatabaseSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh 128-bit id colliding is astronomically unlikely; retry rather than overwrite.
        for _ in 0..3 {
            match to_model(record)?.insert(self.database.conn()).await {
                Ok(_) => return Ok(()),
                Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(err) => return Err(backend(err)),
            }
        }
        Err(Error::Backend(
            "could not allocate a unique session id".to_owned(),
        ))
    }

    async fn save(&self, record: &Record) -> Result<()> {
        session::Entity::insert(to_model(record)?)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([session::Column::Data, session::Column::ExpiresAt])
                    .to_owned(),
            )
            .exec(self.database.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        let found = session::Entity::find_by_id(session_id.to_string())
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .one(self.database.conn())
            .await
            .map_err(backend)?;
        found
            .map(|model| serde_json::from_str(&model.data).map_err(|err| Error::Decode(err.to_string())))
            .transpose()
    }

    async fn delete(&self, session_id: &Id) -> Result<()> {
        session::Entity::delete_by_id(session_id.to_string())
            .exec(self.database.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
