//! The kinds a runner works, and the jobs it enqueues on a schedule.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::job::{Job, JobContext, JobError, JobReport};

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
type RunFn = for<'a> fn(&'a JobContext, &'a str) -> BoxFuture<'a, Result<JobReport, JobError>>;

fn run_erased<'a, J: Job>(
    ctx: &'a JobContext,
    payload: &'a str,
) -> BoxFuture<'a, Result<JobReport, JobError>> {
    Box::pin(async move {
        let job: J = serde_json::from_str(payload)?;
        job.run(ctx).await
    })
}

/// A job the runner enqueues once per period (on every instance, with the
/// period as idempotency key, so the period gets one job whatever the number
/// of instances).
#[derive(Clone, Debug)]
pub(crate) struct Recurring {
    pub kind: &'static str,
    pub payload: String,
    pub max_attempts: u32,
    pub every: Duration,
}

impl Recurring {
    /// The key of the period `at` falls in, e.g. `2026-12-02T03:00:00+00:00`.
    pub fn period_key(&self, at: DateTime<Utc>) -> String {
        let seconds = i64::try_from(self.every.as_secs().max(1)).unwrap_or(i64::MAX);
        let start = at.timestamp().div_euclid(seconds) * seconds;
        DateTime::<Utc>::from_timestamp(start, 0)
            .map_or_else(|| start.to_string(), |start| start.to_rfc3339())
    }
}

/// The kinds a [`crate::Runner`] claims, and the recurring jobs it enqueues.
#[derive(Default)]
pub struct Registry {
    pub(crate) kinds: HashMap<&'static str, RunFn>,
    /// In registration order, which is the order `Runner::run_once` runs them.
    pub(crate) recurring: Vec<Recurring>,
    pub(crate) resources: Resources,
}

/// What the process hands its jobs besides the database, one value per type
/// (the mail server and SMS gateway of `onward-outreach`): a job's payload
/// holds ids, never settings or secrets.
#[derive(Clone, Default)]
pub struct Resources(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl Resources {
    /// The value of type `T` the process provided, if it did.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0
            .get(&TypeId::of::<T>())
            .and_then(|value| value.downcast_ref())
    }
}

impl std::fmt::Debug for Resources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Resources({} values)", self.0.len())
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Lets the runner work jobs of kind `J` (enqueued by someone else).
    pub fn register<J: Job>(&mut self) -> &mut Self {
        self.kinds.insert(J::KIND, run_erased::<J>);
        self
    }

    /// Registers `J` and enqueues `job` once every `every`.
    pub fn recurring<J: Job>(&mut self, job: J, every: Duration) -> &mut Self {
        self.register::<J>();
        // A payload that does not serialise is a programming error caught by
        // the first test that builds the registry; it is stored as `null`.
        let payload = serde_json::to_string(&job).unwrap_or_else(|_| "null".to_owned());
        self.recurring.push(Recurring {
            kind: J::KIND,
            payload,
            max_attempts: J::MAX_ATTEMPTS,
            every,
        });
        self
    }

    /// Hands `value` to every job this registry's runner runs
    /// (`JobContext::resource`); a second value of the same type replaces the first.
    pub fn provide<T: Any + Send + Sync>(&mut self, value: T) -> &mut Self {
        self.resources.0.insert(TypeId::of::<T>(), Arc::new(value));
        self
    }

    /// The kinds registered, for the claim query.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.kinds.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }

    pub(crate) fn runner_of(&self, kind: &str) -> Option<RunFn> {
        self.kinds.get(kind).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_key_names_the_start_of_its_period() {
        let recurring = Recurring {
            kind: "k",
            payload: "null".to_owned(),
            max_attempts: 1,
            every: Duration::from_secs(3600),
        };
        let at = |h, m| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
                .and_then(|d| d.and_hms_opt(h, m, 7))
                .map(|t| t.and_utc())
                .expect("time")
        };
        assert_eq!(recurring.period_key(at(3, 0)), "2026-12-02T03:00:00+00:00");
        assert_eq!(recurring.period_key(at(3, 59)), "2026-12-02T03:00:00+00:00");
        assert_eq!(recurring.period_key(at(4, 1)), "2026-12-02T04:00:00+00:00");
    }
}
