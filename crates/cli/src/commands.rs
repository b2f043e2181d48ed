//! One function per subcommand: parse flags into domain types, call the libraries.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use onward_domain::email::EmailAddress;
use onward_domain::organisation::{CountryCode, OrgSlug, OrganisationKind};
use onward_domain::role::Role;
use onward_storage::repo::organisations::{self, NewOrganisation};
use onward_storage::repo::users::{self, NewUser};
use onward_storage::{Actor, Database};
use onward_web::passwords::hash_password;
use onward_web::{Application, WebConfig};

use crate::config::{DEFAULT_DATABASE_URL, DEFAULT_DEMO_DATABASE_URL, Settings};

#[derive(Args)]
pub struct DatabaseArgs {
    /// Database URL; overrides ONWARD_DATABASE_URL and onward.toml.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Address to listen on, e.g. 127.0.0.1:8080; overrides ONWARD_BIND.
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
}

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// Only create the demo data; do not start the web server.
    #[arg(long)]
    no_serve: bool,
    /// Reset an existing demo database without asking.
    #[arg(long, short = 'y')]
    yes: bool,
}

#[derive(Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Run every recurring job once (queued imports, one task scheduler pass, session clean-up)
    /// and every other due job, print what they did, and exit.
    #[arg(long)]
    once: bool,
    /// Seconds a claimed job is held before another worker may take it over when
    /// this one stops (default 300; the lock is renewed while the job runs).
    #[arg(long, value_name = "SECONDS")]
    lease: Option<u64>,
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Add an organisation (a school, college, provider, local authority or VET school).
    Add {
        /// Short identifier used in URLs and commands: lowercase letters, digits and hyphens.
        slug: String,
        /// The organisation's full name.
        #[arg(long)]
        name: String,
        /// school, college, provider, la or vet.
        #[arg(long)]
        kind: String,
        /// ISO 3166 alpha-2 country code; sets postcode/phone rules and default language.
        #[arg(long, default_value = "GB")]
        country: String,
        /// `shipped`: install the tracking plans shipped for this kind of
        /// organisation (school leavers, adult provider, VET graduate…); `none`: no plans.
        #[arg(long, default_value = "shipped", value_parser = ["shipped", "none"])]
        plans: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a staff user. Without --password-stdin a random password is generated and printed once.
    Add {
        /// The organisation's slug.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// The person's name as shown in Onward.
        #[arg(long)]
        name: String,
        /// admin, progression_lead, iag_adviser, tutor, quality_viewer or partner.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn database_url(settings: &Settings, flag: &DatabaseArgs, default: &str) -> String {
    flag.database_url
        .clone()
        .or_else(|| settings.database_url.clone())
        .unwrap_or_else(|| default.to_owned())
}

/// Opens (and migrates) the database named by `--database-url`, the settings or the default.
pub async fn open_database(settings: &Settings, args: &DatabaseArgs) -> anyhow::Result<Database> {
    open(&database_url(settings, args, DEFAULT_DATABASE_URL)).await
}

async fn open(url: &str) -> anyhow::Result<Database> {
    create_private_sqlite_file(url);
    Ok(Database::connect_and_migrate(url).await?)
}

/// Creates a SQLite database file that does not exist yet readable and
/// writable by its owner only (0600): it holds learners' personal data. SQLite
/// gives the `-wal` and `-shm` files it creates beside it the same mode. A file
/// that exists is left as it is (with a warning if others may read it); a file
/// that cannot be created here is left for SQLite to report.
fn create_private_sqlite_file(url: &str) {
    let Some(path) = sqlite_file_to_create(url) else {
        return;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(_) => tracing::debug!(path, "created the SQLite database file (mode 0600)"),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                if let Ok(metadata) = std::fs::metadata(&path)
                    && metadata.permissions().mode() & 0o077 != 0
                {
                    tracing::warn!(
                        path,
                        mode = format!("{:o}", metadata.permissions().mode() & 0o777),
                        "the SQLite database holds personal data but others may read it; consider chmod 600"
                    );
                }
            }
            Err(_) => {}
        }
    }
}

/// The file a `sqlite://PATH?mode=rwc` URL would create; `None` for other
/// URLs, in-memory databases and modes that do not create.
fn sqlite_file_to_create(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let creates = query.split('&').any(|pair| pair == "mode=rwc");
    (creates && !path.is_empty() && !path.starts_with(":memory:")).then(|| path.to_owned())
}

pub async fn serve(settings: &Settings, args: ServeArgs) -> anyhow::Result<()> {
    let database = open(&database_url(settings, &args.database, DEFAULT_DATABASE_URL)).await?;
    run_server(settings, &args, database, false).await
}

async fn run_server(
    settings: &Settings,
    args: &ServeArgs,
    database: Database,
    demo: bool,
) -> anyhow::Result<()> {
    let bind = args.bind.clone().unwrap_or_else(|| settings.bind.clone());
    let config: WebConfig = settings.web_config(bind, demo)?;
    report_email(settings)?;
    if config.public_url.is_none() && !demo {
        eprintln!(
            "public_url is not set, so Onward cannot make invitation or password-reset links. \
             Set ONWARD_PUBLIC_URL (or public_url in onward.toml) to the address people use, \
             e.g. https://onward.your-school.example."
        );
    }
    let mut limits = settings.http.limits()?;
    limits.max_connections = limits.max_connections.min(connections_within_open_file_limit());
    let public_url = config.public_url.clone();
    let sms = crate::campaign::job_senders(settings)?.sms;
    let app = Application::build(config, database.clone())
        .await?
        .with_limits(limits)
        .with_sms(sms);
    let address = app.local_addr()?;
    // Journey 1: with no administrator anywhere, the first one is made in the
    // browser through a one-time link (an hour, single use), on the public
    // address when one is configured.
    if let Some(token) = onward_web::issue_setup_token(&database).await? {
        let path = format!("/setup/{token}");
        let link = match &public_url {
            Some(url) => url.join(&path),
            None if address.ip().is_unspecified() => format!("http://localhost:{}{path}", address.port()),
            None => format!("http://{address}{path}"),
        };
        // Written, not println!: a closed stdout (a supervisor that stopped
        // reading) must not take the server down.
        let _ = writeln!(
            std::io::stdout(),
            "No administrator yet. Open this one-time link within {} hour to create your organisation and its administrator:\n  {link}\n(Or use `onward org add` and `onward user add --role admin`, or try `onward demo`.)",
            onward_web::SETUP_LINK_HOURS
        );
    }
    // Last, so that whoever waits for this line has read everything before it.
    println!("Onward is serving at http://{address}/ (Ctrl-C to stop)");
    app.run_until_stopped().await?;
    Ok(())
}

/// File descriptors kept free for everything but client connections: the
/// database pool (SQLite opens three files a connection), uploads, logs.
const RESERVED_FILE_DESCRIPTORS: u64 = 128;

/// Raises the soft open-file limit to the hard one (often 1024 against
/// 500,000 or more), and returns how many client connections fit under it.
/// Each connection is one descriptor; running out makes `accept` fail for
/// everyone ("Too many open files").
fn connections_within_open_file_limit() -> usize {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current < limit.maximum {
            let raised = Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            };
            if let Err(err) = setrlimit(Resource::Nofile, raised) {
                tracing::debug!(error = %err, "could not raise the open-file limit");
            }
        }
        match getrlimit(Resource::Nofile).current {
            Some(files) => {
                let fit = files.saturating_sub(RESERVED_FILE_DESCRIPTORS).max(16);
                tracing::debug!(files, connections = fit, "open-file limit");
                usize::try_from(fit).unwrap_or(usize::MAX)
            }
            None => usize::MAX,
        }
    }
    #[cfg(not(unix))]
    {
        usize::MAX
    }
}

pub async fn migrate(settings: &Settings, args: DatabaseArgs) -> anyhow::Result<()> {
    let url = database_url(settings, &args, DEFAULT_DATABASE_URL);
    open(&url).await?;
    println!("Database schema is up to date.");
    Ok(())
}

pub async fn demo(settings: &Settings, args: DemoArgs) -> anyhow::Result<()> {
    let url = database_url(settings, &args.serve.database, DEFAULT_DEMO_DATABASE_URL);
    let database = open(&url).await?;
    if !organisations::list_organisations(database.conn())
        .await?
        .is_empty()
    {
        if !args.yes && !confirm("The demo database already has data. Reset it?")? {
            bail!("kept the existing demo database; pass --yes to reset it without asking");
        }
        database.reset_schema().await?;
    }
    let started = Instant::now();
    let password_hash = hash_password(onward_demo::DEMO_PASSWORD)?;
    let summary = onward_demo::seed(&database, &password_hash).await?;
    println!("Demo data created in {:.1} s:", started.elapsed().as_secs_f64());
    for organisation in &summary.organisations {
        println!(
            "  {} ({}): {} learners",
            organisation.name, organisation.slug, organisation.learners
        );
    }
    println!("Demo logins (password for all: {}):", onward_demo::DEMO_PASSWORD);
    for organisation in &summary.organisations {
        for (role, email) in &organisation.logins {
            println!(
                "  {:<17} {:<40} {}",
                role.code(),
                email,
                onward_demo::DEMO_PASSWORD
            );
        }
    }
    // The demo's email and text attempts are sample history written by the
    // seed, not messages: say so, and whether campaigns could send for real.
    println!(
        "Sample history: the demo's unanswered emails and texts were written by the seed; nothing was sent."
    );
    if settings.smtp.config()?.is_none() {
        println!(
            "Sending is off: campaigns and invitations need a mail server (ONWARD_SMTP__URL and ONWARD_SMTP__FROM)."
        );
    }
    if args.no_serve {
        return Ok(());
    }
    run_server(settings, &args.serve, database, true).await
}

/// Checks the email and SMS settings at start (a malformed `smtp.url` stops
/// the process with the setting named) and says where messages go, password
/// and key hidden.
fn report_email(settings: &Settings) -> anyhow::Result<()> {
    match settings.smtp.config()? {
        Some(smtp) => tracing::info!(
            smtp = %smtp.redacted_url(),
            from = %smtp.from_address(),
            "email is sent through this SMTP server"
        ),
        None => tracing::info!("email is off: set ONWARD_SMTP__URL and ONWARD_SMTP__FROM to send it"),
    }
    match settings.sms.config()? {
        Some(sms) => tracing::info!(gateway = ?sms, "SMS is sent through this gateway"),
        None => tracing::info!(
            "SMS is off: set ONWARD_SMS__URL, ONWARD_SMS__KEY and ONWARD_SMS__TEMPLATE_ID to send it"
        ),
    }
    Ok(())
}

pub async fn worker(settings: &Settings, args: WorkerArgs) -> anyhow::Result<()> {
    report_email(settings)?;
    let database = open(&database_url(settings, &args.database, DEFAULT_DATABASE_URL)).await?;
    let mut runner = onward_jobs::Runner::new(
        database.clone(),
        onward_web::background_jobs(
            settings.import_file_retention_hours,
            crate::campaign::job_senders(settings)?,
        ),
    );
    if let Some(seconds) = args.lease {
        runner = runner.with_lease(std::time::Duration::from_secs(seconds.max(3)));
    }
    if args.once {
        let started = Instant::now();
        let finished = runner.run_once().await?;
        for job in &finished {
            match &job.outcome {
                Ok(report) => {
                    for line in &report.lines {
                        println!("{line}");
                    }
                }
                Err(err) => println!(
                    "{} (job {}) failed on attempt {} of {}{}: {err}",
                    job.job.kind,
                    job.job.id,
                    job.job.attempt,
                    job.job.max_attempts,
                    if job.will_retry { ", will be retried" } else { "" }
                ),
            }
        }
        println!(
            "{} jobs done in {:.1} s.",
            finished.len(),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    println!(
        "Onward worker: running background jobs (queued imports, task generation, session clean-up and campaign messages) until stopped with Ctrl-C."
    );
    tokio::select! {
        () = runner.run_forever() => {},
        _ = tokio::signal::ctrl_c() => println!("Worker stopped."),
    }
    Ok(())
}

/// Asks a yes/no question on the terminal; with no terminal the answer is no.
fn confirm(question: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    print!("{question} [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

pub async fn org(settings: &Settings, command: OrgCommand) -> anyhow::Result<()> {
    let OrgCommand::Add {
        slug,
        name,
        kind,
        country,
        plans,
        database,
    } = command;
    let new = NewOrganisation {
        slug: OrgSlug::parse(&slug).context("invalid organisation slug")?,
        name: non_empty(&name, "--name")?,
        kind: kind.parse::<OrganisationKind>().context("invalid --kind")?,
        country: CountryCode::parse(&country).context("invalid --country")?,
    };
    let database = open(&database_url(settings, &database, DEFAULT_DATABASE_URL)).await?;
    let mut write = database.write_unattributed().await?;
    let organisation = organisations::create_organisation(&write, &new).await?;
    write.act_for(Actor::system(organisation.id));
    let installed = if plans == "none" {
        Vec::new()
    } else {
        onward_storage::repo::plans::install_shipped_plans(&write, organisation.id, new.kind).await?
    };
    write
        .audit_detail(
            "organisation.create",
            "organisation",
            organisation.id.0,
            format!("onward org add, {} shipped plans", installed.len()),
        )
        .await?;
    write.commit().await?;
    println!(
        "Added organisation {} ({}).",
        organisation.name, organisation.slug
    );
    if installed.is_empty() {
        println!("No tracking plans installed; add one under Plans, or copy a shipped one.");
    } else {
        let names: Vec<&str> = installed.iter().map(|(_, name)| name.as_str()).collect();
        println!("Tracking plans installed: {}.", names.join(", "));
    }
    Ok(())
}

pub async fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        org,
        email,
        name,
        role,
        password_stdin,
        database,
    } = command;
    let email = EmailAddress::parse(&email).context("invalid --email")?;
    let role = role.parse::<Role>().context("invalid --role")?;
    let display_name = non_empty(&name, "--name")?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (random_password(), true)
    };
    let password_hash = hash_password(&password)?;
    let database = open(&database_url(settings, &database, DEFAULT_DATABASE_URL)).await?;
    let organisation = organisations::organisation_by_slug(database.conn(), &org)
        .await?
        .with_context(|| format!("no organisation with the slug `{org}` (see `onward org add`)"))?;
    let new = NewUser {
        email,
        display_name,
        role,
        password_hash,
    };
    let write = database.write(Actor::system(organisation.id)).await?;
    let user = users::create_user(&write, organisation.id, &new).await?;
    write
        .audit_detail(
            "user.create",
            "user",
            user.id.0,
            format!("onward user add, role {}", role.code()),
        )
        .await?;
    write.commit().await?;
    println!(
        "Added {} ({}) to {} as {}.",
        user.display_name,
        user.email,
        organisation.name,
        role.code()
    );
    if generated {
        println!("One-time password: {password}");
    }
    Ok(())
}

fn non_empty(value: &str, flag: &str) -> anyhow::Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        bail!("{flag} must not be empty");
    }
    Ok(trimmed.to_owned())
}

/// 20 characters from an unambiguous alphabet (about 110 bits).
fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}
