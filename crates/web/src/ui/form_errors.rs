//! The validation messages of one form submission, collected while its fields
//! are parsed and shown by the page's error summary and beside each field
//! (the `components/fields.html` macros ask `errors.for_field(name)`).

use std::ops::Deref;

use super::chrome::FieldError;

/// Every problem found in one submitted form, in the order the fields were
/// checked (the order the error summary lists them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a message for the input with id `field`.
    pub fn push(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// Records an error a field parser returned.
    pub fn add(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// The value of a field parser's result, or `None` with its error recorded.
    pub fn check<T>(&mut self, parsed: Result<T, FieldError>) -> Option<T> {
        parsed.map_err(|error| self.add(error)).ok()
    }

    /// Puts the messages in the order the form shows its fields (fields not
    /// listed go last), for checks that ran in a different order.
    pub fn order_by(&mut self, fields: &[&str]) {
        self.0.sort_by_key(|error| {
            fields
                .iter()
                .position(|field| *field == error.field)
                .unwrap_or(fields.len())
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for a field, for the template beside that field.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }
}

impl Deref for FormErrors {
    type Target = [FieldError];

    fn deref(&self) -> &[FieldError] {
        &self.0
    }
}

impl From<FieldError> for FormErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl From<Vec<FieldError>> for FormErrors {
    fn from(errors: Vec<FieldError>) -> Self {
        Self(errors)
    }
}

impl Extend<FieldError> for FormErrors {
    fn extend<I: IntoIterator<Item = FieldError>>(&mut self, errors: I) {
        self.0.extend(errors);
    }
}

impl IntoIterator for FormErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a FormErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_shows_its_first_message_and_the_summary_keeps_the_order() {
        let mut errors = FormErrors::new();
        assert!(errors.is_empty());
        errors.push("name", "Enter a name");
        assert_eq!(
            errors.check::<u8>(Err(FieldError {
                field: "day",
                message: "Enter a date".to_owned(),
            })),
            None
        );
        assert_eq!(errors.check::<u8>(Ok(3)), Some(3));
        errors.push("name", "A second problem");
        assert!(!errors.is_empty());
        assert_eq!(errors.for_field("name"), Some("Enter a name"));
        assert_eq!(errors.for_field("day"), Some("Enter a date"));
        assert_eq!(errors.for_field("email"), None);
        let order: Vec<&str> = errors.iter().map(|error| error.field).collect();
        assert_eq!(order, vec!["name", "day", "name"]);
    }
}
