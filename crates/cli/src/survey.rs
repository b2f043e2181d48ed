//! `onward survey`: list the shipped surveys; print a new personal link.

use anyhow::Context;
use clap::Subcommand;
use onward_storage::Actor;
use onward_storage::repo::learners::learner_by_uln_or_mis_id;
use onward_storage::repo::organisations::{list_organisations, organisation_by_slug};
use onward_web::PublicUrl;
use onward_web::survey::{LinkRequest, issue_link};

use crate::commands::{DatabaseArgs, open_database};
use crate::config::Settings;

#[derive(Subcommand)]
pub enum SurveyCommand {
    /// List the surveys built into this binary: name, newest version, purpose, pages and title.
    List,
    /// Print a new personal survey link for one learner (the link is shown once; only its hash is stored).
    Link {
        /// The learner's ULN or MIS id.
        learner: String,
        /// The survey's name (see `onward survey list`), e.g. follow-up-3-6-month.
        #[arg(long)]
        survey: String,
        /// The survey's language: en-GB, cy, es, it, nl or et (default: the learner's, else the organisation's).
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        /// The organisation's slug (needed when the database holds more than one).
        #[arg(long, value_name = "SLUG")]
        org: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn survey(settings: &Settings, command: SurveyCommand) -> anyhow::Result<()> {
    let catalogue = onward_survey::shipped().map_err(|error| anyhow::anyhow!("survey files: {error}"))?;
    match command {
        SurveyCommand::List => {
            for survey in catalogue.latest() {
                println!(
                    "{:<32} v{:<3} {:<13} {:>2} pages  {}",
                    survey.name,
                    survey.version,
                    survey.purpose.code(),
                    survey.pages.len(),
                    survey.text("en-GB", &survey.title)
                );
            }
            Ok(())
        }
        SurveyCommand::Link {
            learner,
            survey,
            lang,
            org,
            database,
        } => {
            let public_url = settings
                .public_url
                .as_deref()
                .filter(|url| !url.trim().is_empty())
                .context("no public_url is set: set ONWARD_PUBLIC_URL (or public_url in onward.toml) to the address learners reach Onward at")?;
            let public_url = PublicUrl::parse(public_url).map_err(anyhow::Error::msg)?;
            let database = open_database(settings, &database).await?;
            let conn = database.conn();
            let organisation = match org {
                Some(slug) => organisation_by_slug(conn, &slug)
                    .await?
                    .with_context(|| format!("no organisation with the slug `{slug}`"))?,
                None => {
                    let mut all = list_organisations(conn).await?;
                    if all.len() != 1 {
                        anyhow::bail!(
                            "the database holds {} organisations: name one with --org ({})",
                            all.len(),
                            all.iter()
                                .map(|o| o.slug.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                    all.remove(0)
                }
            };
            let learner_id = learner_by_uln_or_mis_id(conn, organisation.id, &learner)
                .await?
                .with_context(|| {
                    format!(
                        "no learner of {} has the ULN or MIS id `{learner}`",
                        organisation.name
                    )
                })?;
            let write = database.write(Actor::system(organisation.id)).await?;
            let issued = issue_link(
                &write,
                organisation.id,
                learner_id,
                &LinkRequest {
                    survey: &survey,
                    language: lang.as_deref(),
                    days: Some(settings.survey_link_days),
                    ..LinkRequest::default()
                },
                None,
            )
            .await?;
            write
                .audit_detail(
                    "survey.link_created",
                    "survey_invitation",
                    issued.invitation.0,
                    format!(
                        "onward survey link, {} v{} in {}",
                        issued.survey_name, issued.survey_version, issued.language
                    ),
                )
                .await?;
            write.commit().await?;
            println!("{}", public_url.join(&issued.path()));
            Ok(())
        }
    }
}
