//! `onward`: the one binary. Argument parsing and wiring only; the work is
//! done by the library crates.

mod campaign;
mod commands;
mod config;
mod import;
mod survey;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "onward",
    version,
    about = "Track where learners go after their course, and whether they stay there.",
    long_about = "Onward tracks learner destinations and progression for schools, colleges, training \
                  providers and local authorities. It runs on an embedded SQLite file by default \
                  (no other service needed) or on PostgreSQL.\n\n\
                  Configuration: built-in defaults, then onward.toml, then ONWARD_* environment \
                  variables (e.g. ONWARD_DATABASE_URL, ONWARD_BIND; ONWARD_X_FILE reads a secret \
                  from a file), then command-line flags."
)]
struct Cli {
    /// Configuration file (optional; missing is fine).
    #[arg(long, global = true, default_value = "onward.toml", value_name = "PATH")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the staff web app (migrates the database first).
    Serve(commands::ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(commands::DatabaseArgs),
    /// Create (or reset) a demo database with two organisations, then serve it.
    Demo(commands::DemoArgs),
    /// Import learners, programmes and enrolments from an MIS export (CSV or spreadsheet).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Run background jobs (the task scheduler, imports queued on the Import page, session clean-up) without serving the web app.
    #[command(
        long_about = "Runs the background jobs that `onward serve` also runs, from the `jobs` table: \
                      imports queued on the Import page; the task scheduler, which creates the follow-up \
                      tasks that each cohort's tracking plan calls for (one per enrolment and checkpoint, \
                      dated from the enrolment or the fixed calendar date), hourly; and the deletion of \
                      expired sign-in sessions, hourly; and campaigns: the planner, every 5 minutes, \
                      which queues each running campaign's due step, and one job per message, which \
                      sends it once. A failed job is retried with growing waits and \
                      kept as dead after its last attempt. Recurring jobs are enqueued once per period and \
                      each job is claimed by one worker, so the worker can run beside any number of \
                      `serve` instances on the same database.\n\n\
                      Use --once to run every recurring job once, then every job that is due, and exit \
                      (for cron or a systemd timer)."
    )]
    Worker(commands::WorkerArgs),
    /// Manage organisations.
    #[command(subcommand)]
    Org(commands::OrgCommand),
    /// Manage staff user accounts.
    #[command(subcommand)]
    User(commands::UserCommand),
    /// Learner surveys: list them, or print a personal link for a learner.
    #[command(subcommand)]
    Survey(survey::SurveyCommand),
    /// Campaigns: a checkpoint's outreach by email and SMS, with reminders (list, run, dry run).
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// Print a campaign's letters: one PDF for the learners on its letter stage.
    Letters(campaign::LettersArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the settings are read, so a typo is named even when they are invalid.
    for unknown in config::unknown_variables(std::env::vars()) {
        eprintln!("warning: {unknown}");
    }
    let settings = match config::Settings::load(&cli.config) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(format!("{},sqlx=warn,sea_orm=warn", settings.log))
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => commands::serve(&settings, args).await,
            Command::Migrate(args) => commands::migrate(&settings, args).await,
            Command::Demo(args) => commands::demo(&settings, args).await,
            Command::Import(command) => import::import(&settings, command).await,
            Command::Worker(args) => commands::worker(&settings, args).await,
            Command::Org(command) => commands::org(&settings, command).await,
            Command::User(command) => commands::user(&settings, command).await,
            Command::Survey(command) => survey::survey(&settings, command).await,
            Command::Campaign(command) => campaign::campaign(&settings, command).await,
            Command::Letters(args) => campaign::letters(&settings, args).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
