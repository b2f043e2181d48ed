//! The unit of work: every change to Onward's data goes through a [`Write`].
//!
//! A caller describes the change (repository calls on the `Write`, which is a
//! connection) and what it means for the audit trail ([`Write::audit`]); storage
//! opens the transaction, writes the audit event in it and commits both
//! together, so a change without its audit event (or an event for a change that
//! never happened) cannot exist. On SQLite the transaction starts with
//! `BEGIN IMMEDIATE`: a deferred transaction that read first could not write once
//! another connection had committed (SQLITE_BUSY_SNAPSHOT), which is what
//! several staff working one call queue cause. Dropping a `Write` without
//! [`Write::commit`] rolls everything back.

use std::pin::Pin;
use std::sync::Mutex;

use tokio::sync::OwnedSemaphorePermit;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    IsolationLevel, QueryResult, SqliteTransactionMode, Statement, TransactionError, TransactionOptions,
    TransactionTrait,
};

use crate::repo::audit::{AuditEvent, record_audit_event};
use crate::repo::idempotency::{self, Claim};
use crate::{Database, OrganisationId, Result, StorageError, UserId};

/// Who makes a change, as its audit events record it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub organisation: OrganisationId,
    /// The signed-in person; `None` for Onward itself (scheduler, demo set-up).
    pub user: Option<UserId>,
    /// The client's address, for changes made over HTTP.
    pub remote_addr: Option<String>,
}

impl Actor {
    /// A person acting from `remote_addr` (a web request) or from the command line (`None`).
    pub fn person(organisation: OrganisationId, user: UserId, remote_addr: Option<String>) -> Self {
        Self {
            organisation,
            user: Some(user),
            remote_addr,
        }
    }

    /// Onward itself, acting for an organisation.
    pub fn system(organisation: OrganisationId) -> Self {
        Self {
            organisation,
            user: None,
            remote_addr: None,
        }
    }
}

/// One open unit of work. It is a connection (every repository function takes
/// it), writes audit events into the same transaction, and commits once.
pub struct Write {
    txn: DatabaseTransaction,
    /// SQLite: this process's writer turn, given back when the `Write` is
    /// committed or dropped (after the transaction ends).
    _turn: Option<OwnedSemaphorePermit>,
    /// `None` until the actor is known (see [`Database::write_unattributed`]).
    actor: Option<Actor>,
    /// The audit actions recorded so far, for the crash test's fail point.
    actions: Mutex<Vec<&'static str>>,
}

impl Database {
    /// Opens a unit of work for `actor`.
    pub async fn write(&self, actor: Actor) -> Result<Write> {
        let turn = self.write_turn().await?;
        Write::begin(self.conn(), Some(actor), turn).await
    }

    /// Opens a unit of work whose actor is not known yet: Onward setting itself
    /// up (demo organisations, a new organisation from the command line), or an
    /// invitation link that names its user only once it is used. It can audit
    /// once [`Write::act_for`] names the actor.
    pub async fn write_unattributed(&self) -> Result<Write> {
        let turn = self.write_turn().await?;
        Write::begin(self.conn(), None, turn).await
    }

    /// Records one audit event on its own: a view of a named record, or a
    /// sign-in attempt, where the event is the whole change.
    pub async fn audit(
        &self,
        actor: Actor,
        action: &'static str,
        subject_type: &'static str,
        subject_id: Option<i64>,
        detail: Option<String>,
    ) -> Result<()> {
        let write = self.write(actor).await?;
        write
            .audit_event(action, subject_type, subject_id, detail)
            .await?;
        write.commit().await
    }
}

impl Write {
    /// Opens a unit of work on a pool (for code that holds the pool rather than a [`Database`]).
    /// It does not wait for the [`Database`]'s writer turn: SQLite's busy
    /// timeout orders it among the others.
    pub async fn open(pool: &DatabaseConnection, actor: Actor) -> Result<Self> {
        Self::begin(pool, Some(actor), None).await
    }

    async fn begin(
        pool: &DatabaseConnection,
        actor: Option<Actor>,
        turn: Option<OwnedSemaphorePermit>,
    ) -> Result<Self> {
        let txn = begin_immediate(pool).await?;
        Ok(Self {
            txn,
            _turn: turn,
            actor,
            actions: Mutex::new(Vec::new()),
        })
    }

    /// Who acts from now on in this unit of work (after set-up created their organisation).
    pub fn act_for(&mut self, actor: Actor) {
        self.actor = Some(actor);
    }

    /// Who acts in this unit of work.
    pub fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or(StorageError::NoActor)
    }

    /// The organisation every change in this unit of work belongs to.
    pub fn organisation(&self) -> Result<OrganisationId> {
        Ok(self.actor()?.organisation)
    }

    /// Records that the actor did `action` (e.g. `learner.update`) to a subject,
    /// in this transaction.
    pub async fn audit(
        &self,
        action: &'static str,
        subject_type: &'static str,
        subject_id: i64,
    ) -> Result<()> {
        self.audit_event(action, subject_type, Some(subject_id), None)
            .await
    }

    /// As [`Write::audit`], with a detail such as which fields changed.
    pub async fn audit_detail(
        &self,
        action: &'static str,
        subject_type: &'static str,
        subject_id: i64,
        detail: impl Into<String>,
    ) -> Result<()> {
        self.audit_event(action, subject_type, Some(subject_id), Some(detail.into()))
            .await
    }

    async fn audit_event(
        &self,
        action: &'static str,
        subject_type: &'static str,
        subject_id: Option<i64>,
        detail: Option<String>,
    ) -> Result<()> {
        let actor = self.actor()?;
        record_audit_event(
            &self.txn,
            actor.organisation,
            &AuditEvent {
                user: actor.user,
                action,
                subject_type,
                subject_id,
                detail,
                remote_addr: actor.remote_addr.clone(),
            },
        )
        .await?;
        if let Ok(mut actions) = self.actions.lock() {
            actions.push(action);
        }
        Ok(())
    }

    /// Claims an idempotency key before any other work (claim, then work): the
    /// first statement of the transaction is this insert, so on SQLite the write
    /// lock is already held and a repeated submission waits for the first one
    /// and then finds its key.
    pub async fn claim(&self, scope: &'static str, key: &str) -> Result<Claim> {
        idempotency::claim(&self.txn, self.organisation()?, scope, key).await
    }

    /// Saves what a claimed request made, for repeats of it to find.
    pub async fn settle(&self, scope: &'static str, key: &str, subject: i64) -> Result<()> {
        idempotency::settle(&self.txn, self.organisation()?, scope, key, subject).await
    }

    /// Commits the change and its audit events together.
    pub async fn commit(self) -> Result<()> {
        #[cfg(debug_assertions)]
        self.fail_point();
        self.txn.commit().await?;
        Ok(())
    }

    /// Test builds only: `ONWARD_ABORT_BEFORE_COMMIT=<action>` ends the process
    /// at the commit of a unit of work that audited that action, so a test can
    /// prove that a crash between change and commit leaves neither behind.
    #[cfg(debug_assertions)]
    fn fail_point(&self) {
        let Ok(action) = std::env::var("ONWARD_ABORT_BEFORE_COMMIT") else {
            return;
        };
        let audited = self
            .actions
            .lock()
            .map(|actions| actions.iter().any(|done| *done == action))
            .unwrap_or(false);
        if audited {
            eprintln!("ONWARD_ABORT_BEFORE_COMMIT: aborting before committing `{action}`");
            std::process::abort();
        }
    }
}

/// A transaction that takes SQLite's write lock at `BEGIN`, for storage's own
/// unaudited bookkeeping (claiming a job) as well as for [`Write`].
pub(crate) async fn begin_immediate(pool: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    pool.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// Repository functions that need several statements to be atomic open a nested
/// transaction; inside a `Write` that is a savepoint.
#[async_trait::async_trait]
impl TransactionTrait for Write {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.txn.begin().await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.txn.begin_with_config(isolation_level, access_mode).await
    }

    async fn begin_with_options(&self, options: TransactionOptions) -> Result<DatabaseTransaction, DbErr> {
        self.txn.begin_with_options(options).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.txn.transaction(callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.txn
            .transaction_with_config(callback, isolation_level, access_mode)
            .await
    }
}
