//! What the learner record shows about intentions, offers, flags, referrals
//! and the support log.

use chrono::NaiveDate;
use onward_domain::destination::{DestinationCategory, current_destination};
use onward_domain::organisation::OrganisationKind;
use onward_domain::support::{AtRiskReason, IntentionMatch, IntentionStage, OfferStatus, compare_intention};
use onward_storage::LearnerId;
use onward_storage::repo::destinations::StoredDestination;
use onward_storage::repo::guarantee::{Offer, OfferChange, offer_history, offers_for_learner};
use onward_storage::repo::intentions::{Intention, intentions_for_learner};
use onward_storage::repo::organisations::organisation;
use onward_storage::repo::support::{
    Flag, Referral, flags_for_learner, learner_at_risk, referrals_for_learner,
};

use crate::WebError;
use crate::i18n::Translator;
use crate::ui::staff::Staff;

/// Why a learner is at risk, in the page's language.
pub fn describe_at_risk(tr: &Translator, reason: &AtRiskReason) -> String {
    match reason {
        AtRiskReason::Neet(category) => tr.t(category.label_key()),
        AtRiskReason::NotKnownAfterLastCheckpoint { last_checkpoint } => tr.t_with(
            "atrisk-reason-not-known",
            &[("date", &last_checkpoint.format("%d/%m/%Y").to_string())],
        ),
        AtRiskReason::FlaggedByStaff(reasons) => {
            tr.t_with("atrisk-reason-flagged", &[("reasons", &reasons.join("; "))])
        }
    }
}

/// One stage of the "intended vs actual" summary.
pub struct StageRow {
    pub stage: IntentionStage,
    pub intention: Option<Intention>,
    pub comparison: Option<IntentionMatch>,
}

impl StageRow {
    /// The GOV.UK tag colour for the comparison.
    pub fn tag_class(&self) -> &'static str {
        match self.comparison {
            Some(IntentionMatch::Matches) => "govuk-tag--green",
            Some(IntentionMatch::SameGroup) => "govuk-tag--turquoise",
            Some(IntentionMatch::Differs) => "govuk-tag--orange",
            _ => "govuk-tag--grey",
        }
    }
}

/// One dated line of the support log.
pub struct LogEntry {
    pub date: NaiveDate,
    pub title: String,
    pub detail: String,
}

/// Everything the learner record shows about intentions, offers and support.
pub struct LearnerSupport {
    pub at_risk: Vec<String>,
    pub current: Option<DestinationCategory>,
    pub stages: Vec<StageRow>,
    pub intentions: Vec<Intention>,
    pub show_offers: bool,
    pub offers: Vec<Offer>,
    /// Each offer's status history, oldest first.
    pub offer_history: std::collections::HashMap<onward_storage::OfferId, Vec<OfferChange>>,
    pub offer_statuses: &'static [OfferStatus],
    pub open_flags: Vec<Flag>,
    pub open_referrals: Vec<Referral>,
    pub log: Vec<LogEntry>,
    pub today: NaiveDate,
}

impl LearnerSupport {
    /// The offer's earlier statuses (all but the current one), oldest first.
    pub fn earlier_statuses(&self, offer: &Offer) -> &[OfferChange] {
        match self.offer_history.get(&offer.id) {
            Some(history) if history.len() > 1 => &history[..history.len() - 1],
            _ => &[],
        }
    }
}

/// Loads the learner record's intentions, offers and support log.
pub async fn learner_support(
    staff: &Staff,
    tr: &Translator,
    learner: LearnerId,
    destinations: &[StoredDestination],
) -> Result<LearnerSupport, WebError> {
    let conn = staff.conn();
    let org = staff.organisation();

    let today = chrono::Utc::now().date_naive();
    let current = current_destination(destinations.iter().map(|d| &d.record)).map(|record| record.category);
    let at_risk = learner_at_risk(conn, org, learner, current, today)
        .await?
        .iter()
        .map(|reason| describe_at_risk(tr, reason))
        .collect();
    let intentions = intentions_for_learner(conn, org, learner).await?;
    let stages = IntentionStage::ALL
        .iter()
        .map(|stage| {
            // The latest intention at each stage (the list is oldest first).
            let intention = intentions.iter().rev().find(|i| i.stage == *stage).cloned();
            StageRow {
                stage: *stage,
                comparison: intention
                    .as_ref()
                    .map(|i| compare_intention(i.record.category, current)),
                intention,
            }
        })
        .collect();
    let offers = offers_for_learner(conn, org, learner).await?;
    let kind = organisation(conn, org).await?.kind;
    let show_offers =
        !offers.is_empty() || matches!(kind, OrganisationKind::School | OrganisationKind::College);
    let flags = flags_for_learner(conn, org, learner).await?;
    let referrals = referrals_for_learner(conn, org, learner).await?;
    let mut log = Vec::new();
    let staff_word = tr.t("support-log-staff");
    for flag in &flags {
        let raised_by = flag.raised_by_name.as_deref().unwrap_or(&staff_word);
        log.push(LogEntry {
            date: flag.raised_at.date_naive(),
            title: tr.t("support-log-flagged"),
            detail: format!("{} ({raised_by})", flag.reason),
        });
        if let Some(cleared) = flag.cleared_at {
            log.push(LogEntry {
                date: cleared.date_naive(),
                title: tr.t("support-log-flag-cleared"),
                detail: format!(
                    "{}{} ({})",
                    flag.reason,
                    flag.cleared_note
                        .as_deref()
                        .map(|note| format!(": {note}"))
                        .unwrap_or_default(),
                    flag.cleared_by_name.as_deref().unwrap_or(&staff_word)
                ),
            });
        }
    }
    for referral in &referrals {
        let referral_type = tr.t(referral.referral_type.label_key());
        let owner = match referral.owner_name.as_deref() {
            Some(name) => name.to_owned(),
            None => tr.t("support-log-no-owner"),
        };
        let detail = tr.t_with(
            "support-log-referral-detail",
            &[
                ("owner", &owner),
                ("date", &referral.follow_up_on.format("%d/%m/%Y").to_string()),
            ],
        );
        log.push(LogEntry {
            date: referral.opened_at.date_naive(),
            title: tr.t_with("support-log-referred", &[("type", &referral_type)]),
            detail: match referral.notes.as_deref() {
                Some(notes) => format!("{detail} {notes}"),
                None => detail,
            },
        });
        if let (Some(closed), Some(outcome)) = (referral.closed_at, referral.outcome) {
            log.push(LogEntry {
                date: closed.date_naive(),
                title: tr.t_with(
                    "support-log-referral-closed",
                    &[("type", &referral_type), ("outcome", &tr.t(outcome.label_key()))],
                ),
                detail: format!(
                    "{}{}",
                    referral.outcome_note.as_deref().unwrap_or_default(),
                    referral
                        .closed_by_name
                        .as_deref()
                        .map(|name| format!(" ({name})"))
                        .unwrap_or_default()
                )
                .trim()
                .to_owned(),
            });
        }
    }
    log.sort_by_key(|entry| std::cmp::Reverse(entry.date));
    Ok(LearnerSupport {
        at_risk,
        current,
        stages,
        intentions,
        show_offers,
        offer_history: offer_history(conn, org, learner).await?,
        offers,
        offer_statuses: OfferStatus::ALL,
        open_flags: flags.into_iter().filter(Flag::is_open).collect(),
        open_referrals: referrals.into_iter().filter(Referral::is_open).collect(),
        log,
        today,
    })
}
