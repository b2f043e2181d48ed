//! `onward campaign list|run` and `onward letters`: campaigns from the
//! command line (issue 15). The work is `onward_outreach`'s and
//! `onward_storage::repo::campaigns`'s; this is wiring and printing.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use onward_domain::campaign::{CampaignStatus, due_step};
use onward_domain::contact::ContactChannel;
use onward_storage::repo::campaigns::{self, Campaign, LAWFUL_BASIS, audience};
use onward_storage::repo::organisations::{Organisation, list_organisations, organisation_by_slug};
use onward_storage::{Actor, CampaignId, Database};
use onward_web::PublicUrl;
use onward_web::survey::{LinkRequest, issue_link};

use crate::commands::{DatabaseArgs, open_database};
use crate::config::Settings;

#[derive(Subcommand)]
pub enum CampaignCommand {
    /// List campaigns with their cohort, checkpoint, channels, schedule, status and progress.
    List {
        /// Only this organisation's campaigns.
        #[arg(long, value_name = "SLUG")]
        org: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Start a campaign (a draft becomes running) and queue its due step now; the
    /// messages are sent by `onward serve` or `onward worker`.
    #[command(
        long_about = "Starts a draft or paused campaign and queues the messages of its due step \
                            now, instead of waiting for the planner (every 5 minutes). The messages \
                            are sent by the jobs that `onward serve` and `onward worker` run, exactly \
                            once each. Running it again queues nothing twice.\n\n\
                            With --dry-run nothing is written: it prints who would be sent what, by \
                            which channel and to which address, who is on a stage the campaign does \
                            not send (a letter, the phone queue), and who is excluded and why \
                            (opted out, erased, already answered, no consent or no usable contact \
                            point for the channel)."
    )]
    Run {
        /// The campaign's number (see `onward campaign list`).
        id: i64,
        /// Print what would be sent, to whom and by which channel, and who is excluded and why; send nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Args)]
#[command(
    long_about = "Writes one PDF with a letter for every learner of the campaign whose task is \
                        on the letter stage of its checkpoint: letterhead, the learner's postal \
                        address, the text in their language and a QR code of a new personal survey \
                        link (made now; only its hash is stored). Print it and post it."
)]
pub struct LettersArgs {
    /// The campaign's number (see `onward campaign list`).
    id: i64,
    /// Where to write the PDF.
    #[arg(long, value_name = "PATH.pdf")]
    out: PathBuf,
    #[command(flatten)]
    database: DatabaseArgs,
}

/// The organisation holding campaign `id` (ids are unique across organisations).
async fn find_campaign(database: &Database, id: CampaignId) -> anyhow::Result<(Organisation, Campaign)> {
    for organisation in list_organisations(database.conn()).await? {
        if let Ok(found) = campaigns::campaign(database.conn(), organisation.id, id).await {
            return Ok((organisation, found));
        }
    }
    anyhow::bail!("there is no campaign {id} (see `onward campaign list`)")
}

fn senders(settings: &Settings) -> anyhow::Result<onward_outreach::Senders> {
    let email = settings
        .smtp
        .config()?
        .map(|config| onward_notify::email::SmtpMailer::new(&config))
        .transpose()
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    let sms = settings
        .sms
        .config()?
        .map(onward_notify::sms::HttpSmsGateway::new)
        .transpose()
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    let public_url = settings
        .public_url
        .as_deref()
        .map(PublicUrl::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?
        .map(|url| url.as_str().to_owned());
    Ok(onward_outreach::Senders {
        email,
        sms,
        public_url,
        link_days: settings.survey_link_days,
    })
}

/// The senders `onward worker` and `onward serve` hand the campaign jobs.
pub fn job_senders(settings: &Settings) -> anyhow::Result<onward_outreach::Senders> {
    senders(settings)
}

fn channels_text(channels: &[ContactChannel]) -> String {
    channels.iter().map(|c| c.code()).collect::<Vec<_>>().join(" → ")
}

pub async fn campaign(settings: &Settings, command: CampaignCommand) -> anyhow::Result<()> {
    match command {
        CampaignCommand::List { org, database } => {
            let database = open_database(settings, &database).await?;
            let organisations = match org {
                Some(slug) => vec![
                    organisation_by_slug(database.conn(), &slug)
                        .await?
                        .with_context(|| format!("there is no organisation `{slug}`"))?,
                ],
                None => list_organisations(database.conn()).await?,
            };
            let mut any = false;
            for organisation in organisations {
                for found in campaigns::campaigns(database.conn(), organisation.id).await? {
                    any = true;
                    let progress = campaigns::progress(database.conn(), organisation.id, found.id).await?;
                    println!(
                        "{:>5}  {:<12} {:<9} cohort {} checkpoint {}  {}  days {:?}  queued {} sent {} failed {} cancelled {} completed {} knowledge rate {}%",
                        found.id.0,
                        organisation.slug.to_string(),
                        found.status.code(),
                        found.cohort,
                        found.checkpoint,
                        channels_text(&found.channels),
                        found.schedule_days,
                        progress.queued,
                        progress.sent,
                        progress.failed,
                        progress.cancelled,
                        progress.completed,
                        progress.knowledge_rate,
                    );
                }
            }
            if !any {
                println!("No campaigns.");
            }
            Ok(())
        }
        CampaignCommand::Run {
            id,
            dry_run,
            database,
        } => {
            let database = open_database(settings, &database).await?;
            let (organisation, found) = find_campaign(&database, CampaignId(id)).await?;
            let senders = senders(settings)?;
            if dry_run {
                return dry_run_report(&database, &organisation, &found, &senders).await;
            }
            if found.status.can_become(CampaignStatus::Running) {
                let write = database.write(Actor::system(organisation.id)).await?;
                campaigns::set_status(&write, organisation.id, found.id, CampaignStatus::Running).await?;
                write.audit("campaign.started", "campaign", found.id.0).await?;
                write.commit().await?;
                println!("Campaign {id} started.");
            }
            let report = onward_outreach::plan_campaign(
                &database,
                organisation.id,
                found.id,
                &senders.sendable(),
                chrono::Utc::now(),
            )
            .await?;
            println!("{}", report.line());
            Ok(())
        }
    }
}

async fn dry_run_report(
    database: &Database,
    organisation: &Organisation,
    found: &Campaign,
    senders: &onward_outreach::Senders,
) -> anyhow::Result<()> {
    let people = audience(database.conn(), organisation.id, found).await?;
    let now = chrono::Utc::now();
    let step = match found.started_at {
        Some(started) => due_step(&found.schedule_days, started, now),
        None => Some(0),
    };
    println!(
        "Campaign {} ({}), {}: channels {}, steps on days {:?}; dry run, nothing is sent or written.",
        found.id,
        organisation.slug,
        found.status.label().to_lowercase(),
        channels_text(&found.channels),
        found.schedule_days
    );
    match step {
        Some(step) => println!("Due now: step {} of {}.", step + 1, found.schedule_days.len()),
        None => println!("No step is due yet."),
    }
    if found.quiet.is_quiet(now) {
        println!("It is quiet hours now: nothing would be sent until they end.");
    }
    let sendable = senders.sendable();
    if people.members.is_empty() {
        println!(
            "The audience is empty: no learner of the cohort has this checkpoint open and a way to reach them."
        );
    } else {
        println!(
            "Would reach {} learners (lawful basis: {LAWFUL_BASIS}):",
            people.members.len()
        );
        for member in &people.members {
            let how = if onward_domain::campaign::is_automatic(member.channel) {
                if sendable.contains(&member.channel) {
                    "send"
                } else {
                    "would send, but this channel is not configured"
                }
            } else {
                "not sent by the campaign (worked by staff)"
            };
            let passed: Vec<String> = member
                .passed_over
                .iter()
                .map(|(channel, reason)| format!("{} passed over: {}", channel.code(), reason.describe()))
                .collect();
            println!(
                "  {} {}  {}  {}  {}{}",
                member.given_name,
                member.family_name,
                member.channel.code(),
                member.contact.as_ref().map_or("-", |(_, value)| value.as_str()),
                how,
                if passed.is_empty() {
                    String::new()
                } else {
                    format!("  ({})", passed.join("; "))
                }
            );
        }
    }
    if people.excluded.is_empty() {
        println!("Nobody is excluded.");
    } else {
        println!("Excluded ({}):", people.excluded.len());
        for excluded in &people.excluded {
            println!(
                "  {} {}  {}",
                excluded.given_name,
                excluded.family_name,
                excluded.reason.describe()
            );
        }
    }
    Ok(())
}

pub async fn letters(settings: &Settings, args: LettersArgs) -> anyhow::Result<()> {
    let database = open_database(settings, &args.database).await?;
    let (organisation, found) = find_campaign(&database, CampaignId(args.id)).await?;
    let public_url = settings
        .public_url
        .as_deref()
        .map(PublicUrl::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?
        .context("set public_url (ONWARD_PUBLIC_URL) to the address learners reach Onward at: the letters' links use it")?;
    let survey = found
        .survey_name
        .clone()
        .context("the campaign's checkpoint has no survey to link to")?;
    let people = audience(database.conn(), organisation.id, &found).await?;
    let on_letters: Vec<_> = people
        .members
        .iter()
        .filter(|member| member.channel == ContactChannel::Letter)
        .collect();
    if on_letters.is_empty() {
        anyhow::bail!(
            "no learner of campaign {} is on the letter stage: nothing to print",
            found.id
        );
    }
    let write = database.write(Actor::system(organisation.id)).await?;
    let mut letters = Vec::new();
    let mut without_address = 0;
    for member in on_letters {
        let Some((_, address)) = &member.contact else {
            without_address += 1;
            continue;
        };
        let link = issue_link(
            &write,
            organisation.id,
            member.learner,
            &LinkRequest {
                survey: &survey,
                checkpoint: Some(found.checkpoint),
                task: Some(member.task),
                days: Some(settings.survey_link_days),
                ..LinkRequest::default()
            },
            None,
        )
        .await?;
        letters.push(onward_letters::LetterTo {
            given_name: member.given_name.clone(),
            family_name: member.family_name.clone(),
            address_lines: address
                .split([',', '\n'])
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect(),
            language: onward_notify::Language::for_learner(
                member.preferred_language.as_deref(),
                &organisation.default_locale,
            ),
            link: onward_notify::templates::PersonalLink::parse(&public_url.join(&link.path()))
                .map_err(anyhow::Error::msg)?,
        });
    }
    if letters.is_empty() {
        anyhow::bail!("{without_address} learners are on the letter stage but none has a postal address");
    }
    let letterhead = onward_letters::Letterhead {
        organisation_name: organisation.name.clone(),
        address_lines: Vec::new(),
    };
    let printer = onward_letters::LetterPrinter::new();
    let today = chrono::Utc::now().date_naive();
    let pdf = printer
        .batch(&letterhead, &letters, today)
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    std::fs::write(&args.out, pdf).with_context(|| format!("cannot write {}", args.out.display()))?;
    write
        .audit_detail(
            "campaign.letters_printed",
            "campaign",
            found.id.0,
            format!("{} letters", letters.len()),
        )
        .await?;
    write.commit().await?;
    println!(
        "{} letters written to {}{}.",
        letters.len(),
        args.out.display(),
        if without_address > 0 {
            format!(" ({without_address} learners without a postal address left out)")
        } else {
            String::new()
        }
    );
    Ok(())
}
