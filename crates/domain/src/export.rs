//! Rules for data leaving Onward in files people open in spreadsheets.

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a
/// leading tab or carriage return) is written as text by a leading apostrophe,
/// so an imported `=HYPERLINK(…)` stays inert in every later export.
pub fn spreadsheet_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formula_looking_cells_are_written_as_text() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+44 7700"), "'+44 7700");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("O'Brien"), "O'Brien");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
