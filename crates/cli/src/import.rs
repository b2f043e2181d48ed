//! `onward import`: learners, programmes and enrolments from an MIS export.

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use onward_import::reader::Format;
use onward_import::row::Issue;
use onward_import::{ImportProgress, ImportRequest, IssueSink, OnError, import_learners, template};
use onward_storage::repo::organisations::{self, Organisation};

use crate::commands::{DatabaseArgs, open_database};
use crate::config::Settings;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import learners (and their programmes, cohorts and enrolments) from a CSV or XLSX file.
    ///
    /// Columns are recognised by their usual MIS names (ULN, Learner Ref, Forename, Surname, DOB,
    /// Course, Start date…); unrecognised columns are reported. Learners are matched by ULN, then
    /// MIS id; a new learner with the same name and date of birth as another is flagged as a
    /// probable duplicate, never merged. Importing the same file again changes nothing. Work is
    /// committed in batches: if the import is stopped, run the same command again to complete it.
    ///
    /// Exit status: 0 when the file was imported (rows with errors may have been skipped, see the
    /// summary and --report), 1 when it was refused and nothing was written.
    Learners(LearnersArgs),
    /// Write Onward's template CSV (every recognised column, with two example rows).
    Template {
        /// Where to write it; standard output when left out.
        path: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OnErrorArg {
    /// Import the good rows; report and skip rows with errors.
    Skip,
    /// Refuse the whole file if any row has an error.
    Abort,
}

#[derive(Args)]
pub struct LearnersArgs {
    /// The MIS export: CSV (comma, semicolon, tab or pipe; UTF-8 or Windows-1252) or XLSX (XLS and ODS: save as XLSX first).
    file: PathBuf,
    /// The organisation's slug; may be left out when the database holds one organisation.
    #[arg(long, value_name = "SLUG")]
    org: Option<String>,
    /// Use the column mapping saved under this name (e.g. your MIS's name), and save the
    /// mapping used under it for next time.
    #[arg(long, value_name = "NAME")]
    mapping: Option<String>,
    /// Check the file and report what would change, without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// The workbook sheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// What to do with rows that have errors.
    #[arg(long, value_enum, default_value = "skip")]
    on_error: OnErrorArg,
    /// Write every error and warning, row by row, to this CSV file.
    #[arg(long, value_name = "PATH")]
    report: Option<PathBuf>,
    /// Rows committed per transaction.
    #[arg(long, default_value_t = onward_import::DEFAULT_COMMIT_ROWS, hide = true)]
    commit_rows: usize,
    #[command(flatten)]
    database: DatabaseArgs,
}

pub async fn import(settings: &Settings, command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Learners(args) => learners(settings, args).await,
        ImportCommand::Template { path } => {
            let text = template::template_csv();
            match path {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    println!("Template written to {}.", path.display());
                }
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}

async fn learners(settings: &Settings, args: LearnersArgs) -> anyhow::Result<()> {
    let file = File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or_default();
    let mut report = match &args.report {
        Some(path) => Some(ReportWriter::create(path)?),
        None => None,
    };
    let database = open_database(settings, &args.database).await?;
    let organisation = choose_organisation(database.conn(), args.org.as_deref()).await?;
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut request = ImportRequest::new(
        organisation.id,
        organisation.country.clone(),
        file_name,
        chrono::Utc::now().date_naive(),
    );
    request.sheet = args.sheet.clone();
    request.mapping_name = args.mapping.clone();
    request.dry_run = args.dry_run;
    request.on_error = match args.on_error {
        OnErrorArg::Skip => OnError::Skip,
        OnErrorArg::Abort => OnError::Abort,
    };
    request.commit_rows = args.commit_rows.max(1);
    request.batch_rows = request.commit_rows.min(onward_import::DEFAULT_BATCH_ROWS);
    let bar = Bar::new(size);
    let mut collected = Collected::default();
    let outcome = {
        let sink: &mut dyn IssueSink = match report.as_mut() {
            Some(report) => report,
            None => &mut collected,
        };
        import_learners(
            database.conn(),
            &request,
            BufReader::with_capacity(256 * 1024, file),
            &bar,
            sink,
        )
        .await?
    };
    bar.finish();
    if let Some(report) = report.take() {
        report.finish()?;
    }
    if let Some(format) = &outcome.format {
        println!(
            "Read {} as {format} into {}.",
            args.file.display(),
            organisation.name
        );
    }
    for notice in &outcome.notices {
        println!("Note: {notice}.");
    }
    let unrecognised = outcome.unrecognised_columns();
    if !unrecognised.is_empty() {
        println!(
            "Columns not recognised (not imported): {}.",
            unrecognised.join(", ")
        );
    }
    for issue in &collected.first {
        println!("  {}", describe(issue));
    }
    if collected.more > 0 {
        println!(
            "  … and {} more (write them all with --report PATH).",
            collected.more
        );
    }
    println!("{}", outcome.summary());
    println!("Import run {} recorded.", outcome.run);
    if let Some(path) = &args.report {
        println!("Row-by-row report written to {}.", path.display());
    }
    if outcome.refusal.is_some() {
        bail!("the import was refused");
    }
    Ok(())
}

/// The organisation named by `--org`, or the only one in the database.
async fn choose_organisation(
    conn: &onward_storage::DatabaseConnection,
    slug: Option<&str>,
) -> anyhow::Result<Organisation> {
    if let Some(slug) = slug {
        return organisations::organisation_by_slug(conn, slug)
            .await?
            .with_context(|| format!("no organisation with the slug `{slug}` (see `onward org add`)"));
    }
    let mut all = organisations::list_organisations(conn).await?;
    match all.len() {
        0 => bail!("this database has no organisation yet; create one with `onward org add`"),
        1 => Ok(all.remove(0)),
        _ => bail!(
            "this database holds {} organisations; choose one with --org ({})",
            all.len(),
            all.iter().map(|o| o.slug.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn describe(issue: &Issue) -> String {
    let place = match (issue.row, issue.column.is_empty()) {
        (0, _) => format!("column {}", issue.column),
        (row, true) => format!("row {row}"),
        (row, false) => format!("row {row}, column {}", issue.column),
    };
    let value = if issue.value.is_empty() {
        String::new()
    } else {
        format!(" `{}`", issue.value)
    };
    format!("{} at {place}{value}: {}", issue.severity.label(), issue.reason)
}

/// The first issues, printed after the summary when there is no --report.
#[derive(Default)]
struct Collected {
    first: Vec<Issue>,
    more: u64,
}

impl IssueSink for Collected {
    fn issue(&mut self, issue: &Issue) {
        if self.first.len() < 20 {
            self.first.push(issue.clone());
        } else {
            self.more += 1;
        }
    }
}

/// The --report CSV: one line per issue, formula-looking values made inert.
struct ReportWriter {
    writer: csv::Writer<std::io::BufWriter<File>>,
    failed: Option<std::io::Error>,
}

impl ReportWriter {
    fn create(path: &PathBuf) -> anyhow::Result<Self> {
        let file =
            File::create(path).with_context(|| format!("cannot write the report to {}", path.display()))?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        writer.write_record(["row", "column", "value", "severity", "reason"])?;
        Ok(Self { writer, failed: None })
    }

    fn finish(mut self) -> anyhow::Result<()> {
        if let Some(err) = self.failed {
            return Err(err).context("cannot write the report");
        }
        self.writer.flush().context("cannot write the report")?;
        Ok(())
    }
}

impl IssueSink for ReportWriter {
    fn issue(&mut self, issue: &Issue) {
        let row = issue.row.to_string();
        let record = [
            row.as_str(),
            &onward_domain::export::spreadsheet_safe(&issue.column),
            &onward_domain::export::spreadsheet_safe(&issue.value),
            issue.severity.label(),
            &issue.reason,
        ];
        if let Err(err) = self.writer.write_record(record)
            && self.failed.is_none()
        {
            self.failed = Some(err.into());
        }
    }
}

/// A progress bar on a terminal (rows/s and ETA by bytes read); nothing when
/// standard error is piped.
struct Bar {
    bar: ProgressBar,
    /// Spreadsheets count rows (their total is known); CSV counts bytes.
    by_rows: AtomicBool,
}

impl Bar {
    fn new(size: u64) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {percent:>3}% {msg} ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self {
            bar,
            by_rows: AtomicBool::new(false),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ImportProgress for Bar {
    fn opened(&self, format: &Format, total_rows: Option<u64>) {
        if let (Format::Spreadsheet { .. }, Some(total)) = (format, total_rows) {
            self.bar.set_length(total);
            self.by_rows.store(true, Ordering::Relaxed);
        }
    }

    fn advanced(&self, rows: u64, bytes: u64) {
        let elapsed = self.bar.elapsed().as_secs_f64().max(0.001);
        self.bar
            .set_message(format!("{rows} rows, {:.0} rows/s", rows as f64 / elapsed));
        if self.by_rows.load(Ordering::Relaxed) {
            self.bar.set_position(rows);
        } else {
            self.bar.set_position(bytes);
        }
    }
}
