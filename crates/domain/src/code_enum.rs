/// Declares an enumeration with stable text codes and English labels:
/// `ALL`, `code()`, `from_code()`, `label()`, `Display` (label) and `FromStr` (code).
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
