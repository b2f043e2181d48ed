//! How learners are reached: contact points and the outcome of each attempt.

code_enum! {
    pub enum ContactPointKind as "contact point kind" {
        Email = "email", "Email";
        Phone = "phone", "Phone";
        Address = "address", "Postal address";
    }
}

code_enum! {
    pub enum ContactChannel as "channel" {
        Phone = "phone", "Phone call";
        Email = "email", "Email";
        Sms = "sms", "SMS";
        Letter = "letter", "Letter";
        InPerson = "in_person", "In person";
        SocialMedia = "social_media", "Social media";
        PartnerData = "partner_data", "Partner data";
    }
}

code_enum! {
    pub enum ContactDirection as "direction" {
        Outbound = "outbound", "Outbound";
        Inbound = "inbound", "Inbound";
    }
}

code_enum! {
    pub enum ContactOutcome as "outcome" {
        Reached = "reached", "Reached";
        NoAnswer = "no_answer", "No answer";
        Voicemail = "voicemail", "Left voicemail";
        WrongNumber = "wrong_number", "Wrong number";
        Bounced = "bounced", "Bounced";
        Refused = "refused", "Refused";
        Replied = "replied", "Replied";
        Sent = "sent", "Sent, no reply yet";
    }
}

/// The channels a member of staff logs a contact on by hand (the call queue
/// records phone calls; partner data arrives by import).
pub const LOGGED_BY_HAND: &[ContactChannel] = &[
    ContactChannel::Email,
    ContactChannel::Sms,
    ContactChannel::Letter,
    ContactChannel::InPerson,
    ContactChannel::SocialMedia,
    ContactChannel::Phone,
];

/// Whether an outcome can be said of a contact in this direction: a learner
/// who got in touch (inbound) was in touch, so only outcomes where contact was
/// made fit it.
pub fn outcome_fits(direction: ContactDirection, outcome: ContactOutcome) -> bool {
    match direction {
        ContactDirection::Outbound => true,
        ContactDirection::Inbound => outcome.is_contact_made(),
    }
}

impl ContactOutcome {
    /// The learner was actually in touch (even to refuse).
    pub fn is_contact_made(self) -> bool {
        matches!(self, Self::Reached | Self::Replied | Self::Refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inbound_contact_is_always_contact_made() {
        for outcome in ContactOutcome::ALL {
            assert!(outcome_fits(ContactDirection::Outbound, *outcome));
            assert_eq!(
                outcome_fits(ContactDirection::Inbound, *outcome),
                outcome.is_contact_made(),
                "{outcome:?}"
            );
        }
        assert!(!outcome_fits(ContactDirection::Inbound, ContactOutcome::Sent));
    }

    #[test]
    fn refusing_is_contact_but_a_voicemail_is_not() {
        let made: Vec<ContactOutcome> = ContactOutcome::ALL
            .iter()
            .copied()
            .filter(|outcome| outcome.is_contact_made())
            .collect();
        assert_eq!(
            made,
            [
                ContactOutcome::Reached,
                ContactOutcome::Refused,
                ContactOutcome::Replied
            ]
        );
    }
}
