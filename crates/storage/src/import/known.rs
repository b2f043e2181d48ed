//! What the writer knows about the organisation's learners before it asks the
//! database: fingerprints of the identifiers they hold (so only rows that may
//! match a stored learner are looked up), and the import fingerprints of their
//! details and enrolments (so a row the import wrote before, exactly as it is
//! now, is skipped without reading or writing anything).

use std::hash::{Hash, Hasher};

use chrono::{Datelike, NaiveDate};
use onward_domain::enrolment::EnrolmentDates;
use onward_domain::import::{EnrolmentRow, ImportRow, ProgrammeSpec};
use onward_domain::learner::NewLearner;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

use crate::entities::{enrolment, learner};
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result};

/// Rows read per statement when a run starts.
const KNOWN_PAGE: u64 = 50_000;

/// The organisation's learners as the writer needs them: read once per run
/// and kept up to date as the run writes. About 100 MB for a million learners
/// with a million enrolments.
///
/// A row whose ULN and MIS id are not in `ulns`/`mis_ids` is a new learner
/// without asking the database; a match (or a rare collision of the 64-bit
/// identifier fingerprints) is looked up.
#[derive(Clone, Debug, Default)]
pub(super) struct KnownLearners {
    /// Fingerprint of a ULN → the learner holding it.
    ulns: FxHashMap<u64, i64>,
    /// Fingerprint of an MIS id → the learner holding it.
    mis_ids: FxHashMap<u64, i64>,
    pub(super) names_born: FxHashSet<u64>,
    /// Learner → the import fingerprint stored with them (learners without one
    /// are absent).
    fingerprints: FxHashMap<i64, i64>,
    /// The import fingerprints stored with the organisation's enrolments.
    enrolments: FxHashSet<i64>,
}

pub(super) fn fingerprint(value: impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A row's import fingerprints: what the file says about the learner (every
/// detail and contact) and about the enrolment (with the learner's
/// identifiers). They are the first 64 bits of a SHA-256 of an unambiguous
/// encoding of the parsed values, so two rows that differ in any value
/// differ in fingerprint except with probability 2⁻⁶⁴; a cheaper hash such as
/// FxHash collides on crafted input, and a collision here would hide a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RowFingerprints {
    pub(super) learner: i64,
    pub(super) enrolment: Option<i64>,
}

impl RowFingerprints {
    pub(super) fn of(row: &ImportRow) -> Self {
        // Destructured in full so that a field added to an import row (or to
        // what it carries) does not compile until it is fingerprinted here:
        // a field left out would let a change to it go unnoticed.
        let ImportRow {
            number: _,
            learner,
            contacts,
            enrolment,
            repeat_of: _,
        } = row;
        let mut encoding = Encoding::new(b"onward learner v1");
        encoding.learner(learner);
        encoding.count(contacts.len());
        for (kind, value) in contacts {
            encoding.text(Some(kind.code()));
            encoding.text(Some(value));
        }
        let learner_print = encoding.finish();
        let enrolment = enrolment.as_ref().map(|enrolment| {
            let mut encoding = Encoding::new(b"onward enrolment v1");
            encoding.text(learner.uln.as_ref().map(|u| u.as_str()));
            encoding.text(learner.mis_id.as_deref());
            encoding.enrolment(enrolment);
            encoding.finish()
        });
        Self {
            learner: learner_print,
            enrolment,
        }
    }
}

/// Values written into a SHA-256 so that different sequences of values never
/// give the same bytes: each is marked absent or present, and text carries
/// its length.
struct Encoding(Sha256);

impl Encoding {
    fn new(domain: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(domain);
        Self(hasher)
    }

    fn count(&mut self, n: usize) {
        self.0.update((n as u64).to_le_bytes());
    }

    fn text(&mut self, value: Option<&str>) {
        match value {
            None => self.0.update([0]),
            Some(text) => {
                self.0.update([1]);
                self.count(text.len());
                self.0.update(text.as_bytes());
            }
        }
    }

    fn date(&mut self, value: Option<NaiveDate>) {
        match value {
            None => self.0.update([0]),
            Some(date) => {
                self.0.update([1]);
                self.0.update(date.num_days_from_ce().to_le_bytes());
            }
        }
    }

    fn flag(&mut self, value: Option<bool>) {
        self.0.update([match value {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        }]);
    }

    fn learner(&mut self, learner: &NewLearner) {
        let NewLearner {
            uln,
            upn,
            mis_id,
            given_name,
            family_name,
            date_of_birth,
            sex,
            ethnicity,
            lldd,
            free_school_meals,
            care_leaver,
            send,
            postcode,
            preferred_language,
            tutor_group,
        } = learner;
        self.text(uln.as_ref().map(|u| u.as_str()));
        self.text(upn.as_deref());
        self.text(mis_id.as_deref());
        self.text(Some(given_name.as_str()));
        self.text(Some(family_name.as_str()));
        self.date(*date_of_birth);
        self.text(sex.map(|v| v.code()));
        self.text(ethnicity.map(|v| v.code()));
        self.text(lldd.map(|v| v.code()));
        self.flag(*free_school_meals);
        self.flag(*care_leaver);
        self.flag(*send);
        self.text(postcode.as_deref());
        self.text(preferred_language.as_deref());
        self.text(tutor_group.as_ref().map(|g| g.as_str()));
    }

    fn enrolment(&mut self, enrolment: &EnrolmentRow) {
        let EnrolmentRow {
            programme:
                ProgrammeSpec {
                    title,
                    level,
                    sector_subject_area,
                    mode,
                },
            dates:
                EnrolmentDates {
                    start,
                    planned_end,
                    actual_end,
                },
            status,
            cohort,
        } = enrolment;
        self.text(Some(title));
        self.text(level.map(|v| v.code()));
        self.text(sector_subject_area.map(|v| v.code()));
        self.text(Some(mode.code()));
        self.date(Some(*start));
        self.date(Some(*planned_end));
        self.date(*actual_end);
        self.text(Some(status.code()));
        self.text(Some(cohort));
    }

    fn finish(self) -> i64 {
        let digest = self.0.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        i64::from_le_bytes(first)
    }
}

impl KnownLearners {
    pub(super) fn add(
        &mut self,
        id: i64,
        (uln, mis_id): (Option<&str>, Option<&str>),
        search_name: &str,
        born: Option<NaiveDate>,
        import_fingerprint: Option<i64>,
    ) {
        self.hold(id, uln, mis_id);
        if let Some(born) = born {
            self.names_born.insert(fingerprint((search_name, born)));
        }
        if let Some(print) = import_fingerprint {
            self.fingerprints.insert(id, print);
        }
    }

    /// The learner `id` holds these identifiers (as well as any it held).
    pub(super) fn hold(&mut self, id: i64, uln: Option<&str>, mis_id: Option<&str>) {
        if let Some(uln) = uln {
            self.ulns.insert(fingerprint(uln), id);
        }
        if let Some(mis_id) = mis_id {
            self.mis_ids.insert(fingerprint(mis_id), id);
        }
    }

    pub(super) fn set_fingerprint(&mut self, id: i64, print: i64) {
        self.fingerprints.insert(id, print);
    }

    /// An enrolment's fingerprint changed from `old` (if it had one) to `new`.
    pub(super) fn replace_enrolment(&mut self, old: Option<i64>, new: i64) {
        if let Some(old) = old {
            self.enrolments.remove(&old);
        }
        self.enrolments.insert(new);
    }

    /// Whether a stored learner may hold the row's ULN or MIS id.
    pub(super) fn may_hold(&self, row: &ImportRow) -> bool {
        row.learner
            .uln
            .as_ref()
            .is_some_and(|uln| self.ulns.contains_key(&fingerprint(uln.as_str())))
            || row
                .learner
                .mis_id
                .as_deref()
                .is_some_and(|mis| self.mis_ids.contains_key(&fingerprint(mis)))
    }

    /// Whether the import wrote this row before exactly as it is: the one
    /// learner holding the row's identifiers carries the row's learner
    /// fingerprint, and an enrolment carries its enrolment fingerprint. Such a
    /// row would change nothing (the fingerprint is cleared when a learner is
    /// edited by hand, so the file's values are then compared in full).
    pub(super) fn unchanged(&self, row: &ImportRow, prints: &RowFingerprints) -> bool {
        let by_uln = row
            .learner
            .uln
            .as_ref()
            .map(|uln| self.ulns.get(&fingerprint(uln.as_str())).copied());
        let by_mis = row
            .learner
            .mis_id
            .as_deref()
            .map(|mis| self.mis_ids.get(&fingerprint(mis)).copied());
        let id = match (by_uln, by_mis) {
            (Some(Some(a)), Some(Some(b))) if a == b => a,
            (Some(Some(a)), None) | (None, Some(Some(a))) => a,
            _ => return false,
        };
        self.fingerprints.get(&id) == Some(&prints.learner)
            && prints
                .enrolment
                .is_none_or(|print| self.enrolments.contains(&print))
    }

    pub(super) async fn load(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Self> {
        type Known = (
            i64,
            Option<String>,
            Option<String>,
            String,
            Option<NaiveDate>,
            Option<i64>,
        );
        let mut known = Self::default();
        let mut after = 0i64;
        loop {
            let page: Vec<Known> = learner::Entity::find()
                .select_only()
                .columns([
                    learner::Column::Id,
                    learner::Column::Uln,
                    learner::Column::MisId,
                    learner::Column::SearchName,
                    learner::Column::DateOfBirth,
                    learner::Column::ImportFingerprint,
                ])
                .filter(learner::Entity::in_org_by_key_order(org))
                .filter(learner::Column::Id.gt(after))
                .order_by_asc(learner::Column::Id)
                .limit(KNOWN_PAGE)
                .into_tuple()
                .all(conn)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (id, uln, mis_id, search_name, born, print) in &page {
                known.add(
                    *id,
                    (uln.as_deref(), mis_id.as_deref()),
                    search_name,
                    *born,
                    *print,
                );
            }
        }
        let mut after = 0i64;
        loop {
            let page: Vec<(i64, i64)> = enrolment::Entity::find()
                .select_only()
                .columns([enrolment::Column::Id, enrolment::Column::ImportFingerprint])
                .filter(enrolment::Entity::in_org_by_key_order(org))
                .filter(enrolment::Column::Id.gt(after))
                .filter(enrolment::Column::ImportFingerprint.is_not_null())
                .order_by_asc(enrolment::Column::Id)
                .limit(KNOWN_PAGE)
                .into_tuple()
                .all(conn)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            known.enrolments.extend(page.into_iter().map(|(_, print)| print));
        }
        Ok(known)
    }
}

#[cfg(test)]
mod tests {
    use onward_domain::contact::ContactPointKind;
    use onward_domain::enrolment::CompletionStatus;
    use onward_domain::person::PersonName;
    use onward_domain::programme::StudyMode;

    use super::*;

    fn row() -> ImportRow {
        let name = |text: &str| PersonName::parse(text).expect("name");
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        ImportRow {
            number: 2,
            learner: NewLearner {
                mis_id: Some("A1".to_owned()),
                date_of_birth: Some(date(2009, 12, 10)),
                ..NewLearner::named(name("Ada"), name("Lovelace"))
            },
            contacts: vec![(ContactPointKind::Email, "ada@example.org".to_owned())],
            enrolment: Some(EnrolmentRow {
                programme: ProgrammeSpec {
                    title: "A levels".to_owned(),
                    level: None,
                    sector_subject_area: None,
                    mode: StudyMode::FullTime,
                },
                dates: EnrolmentDates {
                    start: date(2024, 9, 1),
                    planned_end: date(2026, 6, 30),
                    actual_end: None,
                },
                status: CompletionStatus::Continuing,
                cohort: "Y13".to_owned(),
            }),
            repeat_of: None,
        }
    }

    #[test]
    fn row_number_and_repeat_do_not_change_the_fingerprints_but_every_value_does() {
        let base = RowFingerprints::of(&row());
        let mut moved = row();
        moved.number = 900;
        moved.repeat_of = Some(2);
        assert_eq!(RowFingerprints::of(&moved), base);

        let mut postcode = row();
        postcode.learner.postcode = Some("LS1 1AA".to_owned());
        let changed = RowFingerprints::of(&postcode);
        assert_ne!(changed.learner, base.learner);
        assert_eq!(changed.enrolment, base.enrolment, "the enrolment is the same");

        let mut status = row();
        if let Some(enrolment) = status.enrolment.as_mut() {
            enrolment.status = CompletionStatus::Completed;
        }
        let changed = RowFingerprints::of(&status);
        assert_eq!(changed.learner, base.learner);
        assert_ne!(changed.enrolment, base.enrolment);

        // Text is length-prefixed: moving characters between two fields changes it.
        let mut shifted = row();
        shifted.learner.given_name = PersonName::parse("Adal").expect("name");
        shifted.learner.family_name = PersonName::parse("Ovelace").expect("name");
        assert_ne!(RowFingerprints::of(&shifted).learner, base.learner);

        let mut contact = row();
        contact.contacts[0].1 = "ada@example.com".to_owned();
        assert_ne!(RowFingerprints::of(&contact).learner, base.learner);
    }
}
