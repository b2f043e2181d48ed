use onward_storage::Database;

use crate::WebConfig;

/// What every handler can reach. Cheap to clone: the database is a pool handle.
#[derive(Clone, Debug)]
pub struct AppState {
    pub database: Database,
    pub config: WebConfig,
}
