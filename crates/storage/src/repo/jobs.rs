//! The durable job queue behind `onward-jobs`: enqueue, claim, finish.
//!
//! A job is `queued` until a worker claims it (`running`, with `locked_by` and
//! `locked_until`); it ends `done`, goes back to `queued` with a later `run_at`
//! to be retried, or ends `dead` after its last attempt. A `running` job whose
//! lock has expired (its worker stopped) is claimable again. The claim is one
//! `UPDATE ... WHERE id IN (SELECT ... LIMIT 1) RETURNING`: on PostgreSQL the
//! inner select takes `FOR UPDATE SKIP LOCKED`, so concurrent claimers pass
//! over each other's rows instead of waiting; on SQLite it runs in a `BEGIN
//! IMMEDIATE` transaction, which serialises claimers.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QueryResult};

use super::{decode, now};
use crate::entities::job;
use crate::{Database, JobId, OrganisationId, Result, StorageError};

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for `run_at`, or for a worker.
    Queued,
    /// Claimed by a worker until `locked_until`.
    Running,
    Done,
    /// Failed on its last attempt; kept with `last_error` for the operator.
    Dead,
}

impl JobStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }
}

impl FromStr for JobStatus {
    type Err = String;

    fn from_str(code: &str) -> std::result::Result<Self, Self::Err> {
        [Self::Queued, Self::Running, Self::Done, Self::Dead]
            .into_iter()
            .find(|status| status.code() == code)
            .ok_or_else(|| format!("unknown job status `{code}`"))
    }
}

/// A job to put on the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    /// The job's arguments as JSON.
    pub payload: String,
    pub organisation: Option<OrganisationId>,
    /// With a key, the job is enqueued once per `(kind, key)`, ever.
    pub idempotency_key: Option<String>,
    pub max_attempts: u32,
    pub run_at: DateTime<Utc>,
}

/// A job a worker has just claimed. `attempt` counts this one (1 = first try).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    pub organisation: Option<OrganisationId>,
    pub attempt: u32,
    pub max_attempts: u32,
}

/// A job as stored, for the operator and the tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredJob {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    pub organisation: Option<OrganisationId>,
    pub idempotency_key: Option<String>,
    pub status: JobStatus,
    pub attempts: u32,
    pub max_attempts: u32,
    pub run_at: DateTime<Utc>,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn stored(model: job::Model) -> Result<StoredJob> {
    Ok(StoredJob {
        id: JobId(model.id),
        status: decode("jobs", "status", &model.status)?,
        kind: model.kind,
        payload: model.payload,
        organisation: model.organisation_id.map(OrganisationId),
        idempotency_key: model.idempotency_key,
        attempts: count(model.attempts),
        max_attempts: count(model.max_attempts),
        run_at: model.run_at,
        locked_by: model.locked_by,
        locked_until: model.locked_until,
        last_error: model.last_error,
        created_at: model.created_at,
        finished_at: model.finished_at,
    })
}

/// Puts a job on the queue. With an idempotency key already used for this
/// kind, nothing is inserted (`ON CONFLICT DO NOTHING`) and `None` is returned,
/// so any number of instances or retries enqueue the job once.
pub async fn enqueue(conn: &impl ConnectionTrait, new: &NewJob) -> Result<Option<JobId>> {
    let insert = Query::insert()
        .into_table(job::Entity)
        .columns([
            job::Column::Kind,
            job::Column::Payload,
            job::Column::OrganisationId,
            job::Column::IdempotencyKey,
            job::Column::Status,
            job::Column::Attempts,
            job::Column::MaxAttempts,
            job::Column::RunAt,
            job::Column::CreatedAt,
        ])
        .values([
            new.kind.clone().into(),
            new.payload.clone().into(),
            new.organisation.map(|org| org.0).into(),
            new.idempotency_key.clone().into(),
            JobStatus::Queued.code().into(),
            0i32.into(),
            i32::try_from(new.max_attempts).unwrap_or(i32::MAX).into(),
            new.run_at.into(),
            now().into(),
        ])
        .map_err(|err| StorageError::Db(sea_orm::DbErr::Custom(err.to_string())))?
        .on_conflict(
            // No conflict target: the only unique key a new row can hit is
            // (kind, idempotency_key). With the columns named, SQLite
            // intermittently refused the statement ("ON CONFLICT clause does
            // not match any PRIMARY KEY or UNIQUE constraint") when many test
            // databases were open at once; the cause is not yet understood.
            OnConflict::new().do_nothing().to_owned(),
        )
        .returning_col(job::Column::Id)
        .to_owned();
    let row = conn.query_one(&insert).await?;
    row.map(|row| row.try_get::<i64>("", "id").map(JobId))
        .transpose()
        .map_err(Into::into)
}

/// Claims the next due job of one of `kinds` for `worker`, locked for
/// `lease`, and counts the attempt. `None` when nothing is due.
pub async fn claim(
    database: &Database,
    worker: &str,
    kinds: &[&str],
    lease: Duration,
) -> Result<Option<ClaimedJob>> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let at = now();
    let until = at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    let mut pick = Query::select()
        .column(job::Column::Id)
        .from(job::Entity)
        .cond_where(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(job::Column::Status.eq(JobStatus::Queued.code()))
                        .add(job::Column::RunAt.lte(at)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(job::Column::Status.eq(JobStatus::Running.code()))
                        .add(job::Column::LockedUntil.lt(at)),
                ),
        )
        .and_where(job::Column::Kind.is_in(kinds.iter().copied()))
        .order_by(job::Column::RunAt, Order::Asc)
        .order_by(job::Column::Id, Order::Asc)
        .limit(1)
        .to_owned();
    let conn = database.conn();
    let postgres = conn.get_database_backend() == DbBackend::Postgres;
    if postgres {
        pick.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let update = Query::update()
        .table(job::Entity)
        .value(job::Column::Status, JobStatus::Running.code())
        .value(job::Column::LockedBy, worker)
        .value(job::Column::LockedUntil, Expr::val(until))
        .value(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
        .and_where(job::Column::Id.in_subquery(pick))
        .returning(Query::returning().columns([
            job::Column::Id,
            job::Column::Kind,
            job::Column::Payload,
            job::Column::OrganisationId,
            job::Column::Attempts,
            job::Column::MaxAttempts,
        ]))
        .to_owned();
    let row = if postgres {
        conn.query_one(&update).await?
    } else {
        // BEGIN IMMEDIATE: the claim takes the write lock before it reads.
        let txn = crate::write::begin_immediate(conn).await?;
        let row = txn.query_one(&update).await?;
        txn.commit().await?;
        row
    };
    row.map(claimed).transpose()
}

fn claimed(row: QueryResult) -> Result<ClaimedJob> {
    Ok(ClaimedJob {
        id: JobId(row.try_get("", "id")?),
        kind: row.try_get("", "kind")?,
        payload: row.try_get("", "payload")?,
        organisation: row
            .try_get::<Option<i64>>("", "organisation_id")?
            .map(OrganisationId),
        attempt: count(row.try_get("", "attempts")?),
        max_attempts: count(row.try_get("", "max_attempts")?),
    })
}

/// Keeps a long job's lock: moves `locked_until` on while `worker` still holds it.
/// `false` means the lock was lost (it expired and another worker took the job).
pub async fn extend_lock(
    conn: &impl ConnectionTrait,
    id: JobId,
    worker: &str,
    lease: Duration,
) -> Result<bool> {
    let until = now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    let update = Query::update()
        .table(job::Entity)
        .value(job::Column::LockedUntil, Expr::val(until))
        .and_where(job::Column::Id.eq(id.0))
        .and_where(job::Column::Status.eq(JobStatus::Running.code()))
        .and_where(job::Column::LockedBy.eq(worker))
        .to_owned();
    Ok(conn.execute(&update).await?.rows_affected() == 1)
}

/// Records that `worker` finished the job. `false` if it no longer held it.
pub async fn complete(conn: &impl ConnectionTrait, id: JobId, worker: &str) -> Result<bool> {
    let update = Query::update()
        .table(job::Entity)
        .value(job::Column::Status, JobStatus::Done.code())
        .value(job::Column::FinishedAt, Expr::val(now()))
        .value(job::Column::LockedBy, Expr::val(Option::<String>::None))
        .value(job::Column::LockedUntil, Expr::val(Option::<DateTime<Utc>>::None))
        .and_where(job::Column::Id.eq(id.0))
        .and_where(job::Column::Status.eq(JobStatus::Running.code()))
        .and_where(job::Column::LockedBy.eq(worker))
        .to_owned();
    Ok(conn.execute(&update).await?.rows_affected() == 1)
}

/// Queues the finished (`done`) job of `kind` under `key` again, as new: for
/// an effect its job put off rather than did (a campaign message held while
/// its campaign was paused). `false` when there is no such finished job.
pub async fn requeue_done(conn: &impl ConnectionTrait, kind: &str, key: &str) -> Result<bool> {
    let update = Query::update()
        .table(job::Entity)
        .value(job::Column::Status, JobStatus::Queued.code())
        .value(job::Column::Attempts, 0_i32)
        .value(job::Column::RunAt, Expr::val(now()))
        .value(job::Column::FinishedAt, Expr::val(Option::<DateTime<Utc>>::None))
        .value(job::Column::LastError, Expr::val(Option::<String>::None))
        .and_where(job::Column::Kind.eq(kind))
        .and_where(job::Column::IdempotencyKey.eq(key))
        .and_where(job::Column::Status.eq(JobStatus::Done.code()))
        .to_owned();
    Ok(conn.execute(&update).await?.rows_affected() == 1)
}

/// Records a failed attempt: queued again at `retry_at`, or dead without one.
/// `false` if `worker` no longer held the job.
pub async fn fail(
    conn: &impl ConnectionTrait,
    id: JobId,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<bool> {
    let mut update = Query::update()
        .table(job::Entity)
        .value(job::Column::LastError, error)
        .value(job::Column::LockedBy, Expr::val(Option::<String>::None))
        .value(job::Column::LockedUntil, Expr::val(Option::<DateTime<Utc>>::None))
        .and_where(job::Column::Id.eq(id.0))
        .and_where(job::Column::Status.eq(JobStatus::Running.code()))
        .and_where(job::Column::LockedBy.eq(worker))
        .to_owned();
    match retry_at {
        Some(at) => update
            .value(job::Column::Status, JobStatus::Queued.code())
            .value(job::Column::RunAt, Expr::val(at)),
        None => update
            .value(job::Column::Status, JobStatus::Dead.code())
            .value(job::Column::FinishedAt, Expr::val(now())),
    };
    Ok(conn.execute(&update).await?.rows_affected() == 1)
}

/// One job by id.
pub async fn job(conn: &impl ConnectionTrait, id: JobId) -> Result<StoredJob> {
    let model = job::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("job {id}")))?;
    stored(model)
}

/// Every job of a kind, oldest first (for the operator and the tests).
pub async fn jobs_of_kind(conn: &impl ConnectionTrait, kind: &str) -> Result<Vec<StoredJob>> {
    job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .order_by_asc(job::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(stored)
        .collect()
}

/// Deletes jobs that ended (done or dead) before `before`, so the table
/// holds recent history only. Keyed jobs' keys are forgotten with them: keys
/// must name a period or an effect that will not be asked for again.
pub async fn delete_finished_before(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64> {
    let result = job::Entity::delete_many()
        .filter(job::Column::Status.is_in([JobStatus::Done.code(), JobStatus::Dead.code()]))
        .filter(job::Column::FinishedAt.lt(before))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
