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
