//! Tutor groups ("11A", "Form 7R", "Class ESOL2"): the groups a learner is
//! taught in, from the MIS or set by hand. A tutor sees only the learners of
//! the groups they are assigned to.

use crate::DomainError;

/// The longest group name kept.
pub const MAX_LEN: usize = 50;

/// The most groups one tutor can be assigned.
pub const MAX_GROUPS_PER_TUTOR: usize = 50;

/// A tutor group's name: trimmed, inner runs of spaces made one, 1–50
/// characters, no control characters and no comma (lists of groups are
/// written with commas). Matching is exact, so "11A" and "11a" are two groups.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TutorGroup(String);

impl TutorGroup {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(DomainError::new("tutor_group", "enter a group name"));
        }
        if name.chars().count() > MAX_LEN {
            return Err(DomainError::new(
                "tutor_group",
                format!("must be {MAX_LEN} characters or fewer"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(DomainError::new(
                "tutor_group",
                "must not contain control characters",
            ));
        }
        if name.contains(',') {
            return Err(DomainError::new("tutor_group", "must not contain a comma"));
        }
        Ok(Self(name))
    }

    /// A comma-separated list of groups ("11A, 11B"), each once, in order;
    /// blank entries are skipped. At most [`MAX_GROUPS_PER_TUTOR`].
    pub fn parse_list(input: &str) -> Result<Vec<Self>, ListProblem> {
        let mut groups: Vec<Self> = Vec::new();
        for part in input.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            if part.chars().any(char::is_control) {
                return Err(ListProblem::ControlCharacters);
            }
            let group =
                Self::parse(part).map_err(|_| ListProblem::TooLong(part.chars().take(60).collect()))?;
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        if groups.len() > MAX_GROUPS_PER_TUTOR {
            return Err(ListProblem::TooMany);
        }
        Ok(groups)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a list of groups was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListProblem {
    /// A group name is over [`MAX_LEN`] characters (its first 60 characters).
    #[error("\"{0}\" is longer than {MAX_LEN} characters")]
    TooLong(String),
    #[error("group names must not contain control characters")]
    ControlCharacters,
    #[error("a tutor can have at most {MAX_GROUPS_PER_TUTOR} groups")]
    TooMany,
}

impl std::fmt::Display for TutorGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_tidied_and_bounded() {
        assert_eq!(TutorGroup::parse("  11   A ").map(|g| g.0), Ok("11 A".to_owned()));
        assert!(TutorGroup::parse(" ").is_err());
        assert!(TutorGroup::parse(&"x".repeat(51)).is_err());
        assert!(TutorGroup::parse(&"x".repeat(50)).is_ok());
        assert!(TutorGroup::parse("a\u{0}b").is_err());
        assert!(TutorGroup::parse("11A,11B").is_err());
    }

    #[test]
    fn lists_are_split_on_commas_once_each() {
        let groups = TutorGroup::parse_list("11A, 11B,,11A ,").expect("valid");
        let names: Vec<&str> = groups.iter().map(TutorGroup::as_str).collect();
        assert_eq!(names, ["11A", "11B"]);
        assert_eq!(TutorGroup::parse_list("").expect("empty"), Vec::new());
        let many: Vec<String> = (0..51).map(|i| format!("G{i}")).collect();
        assert_eq!(TutorGroup::parse_list(&many.join(",")), Err(ListProblem::TooMany));
        assert_eq!(
            TutorGroup::parse_list(&format!("11A, {}", "y".repeat(51))),
            Err(ListProblem::TooLong("y".repeat(51)))
        );
        assert_eq!(
            TutorGroup::parse_list("11A, 1\u{7}B"),
            Err(ListProblem::ControlCharacters)
        );
    }
}
