/// Declares an enumeration with stable text codes and English labels:
/// `ALL`, `code()`, `from_code()`, `label()`, `label_key()`, `Display` (label) and
/// `FromStr` (code).
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $field:literal {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The stable code stored in the database and used in files.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The English label shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }

            /// The key of the label in the web crate's Fluent catalogue,
            /// `enum-<Type>-<code>`: pages show `t(value.label_key())`, so the label
            /// is translated there (the domain does no I/O and knows no locale).
            pub fn label_key(self) -> &'static str {
                match self {
                    $(Self::$variant => concat!("enum-", stringify!($name), "-", $code),)+
                }
            }

            /// Reads a value as people and other systems write it: the code or the
            /// English label, ignoring case, spaces and punctuation.
            pub fn from_code_or_label(text: &str) -> Option<Self> {
                if let Some(value) = Self::from_code(text.trim()) {
                    return Some(value);
                }
                let wanted = $crate::code_enum::fold(text);
                if wanted.is_empty() {
                    return None;
                }
                Self::ALL.iter().copied().find(|value| {
                    $crate::code_enum::folds_to(value.code(), &wanted)
                        || $crate::code_enum::folds_to(value.label(), &wanted)
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::DomainError;

            fn from_str(code: &str) -> Result<Self, Self::Err> {
                Self::from_code(code.trim()).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
                    $crate::DomainError::new(
                        $field,
                        format!("`{}` is not a known value; use one of: {}", code, allowed.join(", ")),
                    )
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                code.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Lower-case letters and digits only: how free text is compared with codes and labels.
pub fn fold(text: &str) -> String {
    folded(text).map(char::from).collect()
}

fn folded(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
}

/// Whether `text` folds to `wanted` (already folded), without allocating: the
/// import asks this of every code and label for millions of cells.
pub fn folds_to(text: &str, wanted: &str) -> bool {
    folded(text).eq(wanted.bytes())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};

    use crate::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
    use crate::destination::{
        DestinationCategory, DestinationGroup, DestinationKind, DestinationSource, Verification,
    };
    use crate::enrolment::CompletionStatus;
    use crate::import::{OnError, RunStatus};
    use crate::learner::{Ethnicity, Lldd, Sex};
    use crate::organisation::OrganisationKind;
    use crate::programme::{ProgrammeType, QualificationLevel, SectorSubjectArea, StudyMode};
    use crate::role::Role;
    use crate::tracking::{Anchor, TaskStatus};

    /// Codes are stored, so each enumeration's codes must be distinct, short and
    /// plain, and every code, label, `FromStr` and serde form must agree.
    macro_rules! check_all {
        ($($name:ty),+ $(,)?) => {$({
            let name = stringify!($name);
            let mut codes = HashSet::new();
            for value in <$name>::ALL {
                let code = value.code();
                assert!(codes.insert(code), "{name}: duplicate code {code}");
                assert!(
                    !code.is_empty()
                        && code.len() <= 32
                        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{name}: code `{code}` is not a short snake_case code"
                );
                assert!(!value.label().is_empty(), "{name}: {code} has no label");
                assert_eq!(value.label_key(), format!("enum-{name}-{code}"));
                assert_eq!(value.to_string(), value.label());
                assert_eq!(<$name>::from_code(code), Some(*value));
                assert_eq!(<$name>::from_code_or_label(value.label()), Some(*value));
                assert_eq!(<$name>::from_code_or_label(&value.label().to_uppercase()), Some(*value));
                assert_eq!(code.parse::<$name>(), Ok(*value));
                let deserializer: StrDeserializer<'_, Error> = code.into_deserializer();
                assert_eq!(<$name as serde::Deserialize>::deserialize(deserializer), Ok(*value));
            }
            assert_eq!(<$name>::from_code("no_such_code"), None);
            let err = "no_such_code".parse::<$name>().expect_err("unknown code");
            let first = <$name>::ALL[0].code();
            assert!(
                err.message.contains("`no_such_code`") && err.message.contains(first),
                "{name}: {err}"
            );
        })+};
    }

    #[test]
    fn every_enumeration_round_trips_through_its_codes() {
        check_all!(
            Role,
            OrganisationKind,
            Sex,
            Ethnicity,
            Lldd,
            ProgrammeType,
            QualificationLevel,
            SectorSubjectArea,
            StudyMode,
            CompletionStatus,
            ContactPointKind,
            ContactChannel,
            ContactDirection,
            ContactOutcome,
            DestinationKind,
            DestinationCategory,
            DestinationGroup,
            DestinationSource,
            Verification,
            Anchor,
            TaskStatus,
            OnError,
            RunStatus,
        );
    }
}
