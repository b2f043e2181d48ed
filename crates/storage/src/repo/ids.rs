//! Typed row ids, so a learner id cannot be passed where a cohort id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    OrganisationId,
    UserId,
    LearnerId,
    ProgrammeId,
    CohortId,
    EnrolmentId,
    TrackingPlanId,
    CheckpointId,
    TaskId,
    DestinationRecordId,
    ContactAttemptId,
    ContactPointId,
    ImportRunId,
    ImportFileId,
    IntentionId,
    OfferId,
    SupportFlagId,
    ReferralId,
    JobId,
    SurveyInvitationId,
    ContactChangeId,
    StaffInvitationId,
    CampaignId,
    CampaignMessageId,
);
