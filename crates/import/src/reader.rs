//! Reading an MIS export into a header and rows of text, whatever it is:
//! CSV with any of the common delimiters (detected), UTF-8 with or without a
//! byte-order mark or Windows-1252, or a spreadsheet (XLSX, XLS, ODS). The
//! content decides the format, not the file name. CSV is streamed, so memory
//! stays flat in file size; spreadsheets are read whole, as calamine needs.

use std::io::{Cursor, Read};

use calamine::{Data, Reader as _};

/// How much of the file is read to recognise its format and delimiter.
const SNIFF_BYTES: usize = 64 * 1024;
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A file that cannot be read as a table, with the reason for the user.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header row but no learner rows")]
    HeaderOnly,
    #[error("this is not a text or spreadsheet file ({0}); export CSV or XLSX from your MIS")]
    Binary(&'static str),
    #[error("the spreadsheet cannot be read: {0}")]
    Spreadsheet(String),
    #[error("the workbook has no sheet named `{wanted}`; its sheets are: {available}")]
    NoSuchSheet { wanted: String, available: String },
    #[error("row {line}: the file cannot be read as CSV: {reason}")]
    Csv { line: u64, reason: String },
    #[error("the file cannot be read: {0}")]
    Io(#[from] std::io::Error),
}

/// One row of the file with its number as the user sees it (line or sheet row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRow {
    pub number: u64,
    pub cells: Vec<String>,
}

/// What kind of file was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// Fields that are not UTF-8 are read as Windows-1252, field by field.
    Csv {
        delimiter: u8,
    },
    Spreadsheet {
        sheet: String,
    },
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Format::Csv { delimiter, .. } => {
                let name = match delimiter {
                    b',' => "comma",
                    b';' => "semicolon",
                    b'\t' => "tab",
                    _ => "pipe",
                };
                write!(f, "CSV ({name}-separated)")
            }
            Format::Spreadsheet { sheet } => write!(f, "spreadsheet, sheet `{sheet}`"),
        }
    }
}

type Rows = Box<dyn Iterator<Item = Result<RawRow, ReadError>> + Send>;

/// An opened file: its header and an iterator over its rows.
pub struct Table {
    pub format: Format,
    pub headers: Vec<String>,
    /// Things worth telling the user that do not stop the import (e.g. a
    /// spreadsheet named `.csv`).
    pub notices: Vec<String>,
    /// Sheets of a workbook (empty for CSV), to offer a choice.
    pub sheets: Vec<String>,
    /// The total number of data rows when known up front (spreadsheets).
    pub total_rows: Option<u64>,
    rows: Rows,
}

impl Table {
    /// Rows after the header; blank rows are skipped.
    pub fn rows(self) -> Rows {
        self.rows
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("format", &self.format)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// Opens `reader` (whose name was `file_name`) as a table. `sheet` picks a
/// workbook's sheet; the first is used otherwise.
pub fn open(
    mut reader: impl Read + Send + 'static,
    file_name: &str,
    sheet: Option<&str>,
) -> Result<Table, ReadError> {
    let mut sample = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader).take(SNIFF_BYTES as u64).read_to_end(&mut sample)?;
    if sample.is_empty() {
        return Err(ReadError::Empty);
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let is_zip = sample.starts_with(b"PK\x03\x04");
    let is_ole = sample.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if is_zip || is_ole {
        let mut bytes = sample;
        reader.read_to_end(&mut bytes)?;
        let mut table = open_spreadsheet(bytes, sheet)?;
        if matches!(extension.as_deref(), Some("csv" | "txt" | "tsv")) {
            table.notices.push(format!(
                "the file is named .{} but is a spreadsheet; it was read as one",
                extension.unwrap_or_default()
            ));
        }
        return Ok(table);
    }
    if let Some(kind) = binary_kind(&sample) {
        return Err(ReadError::Binary(kind));
    }
    let mut notices = Vec::new();
    if matches!(extension.as_deref(), Some("xlsx" | "xls" | "ods")) {
        notices.push(format!(
            "the file is named .{} but holds text; it was read as CSV",
            extension.unwrap_or_default()
        ));
    }
    let body = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&sample).to_vec();
    let delimiter = detect_delimiter(&body);
    let stream = Cursor::new(body).chain(reader);
    let csv_reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(stream);
    let mut records = csv_reader_rows(csv_reader.into_byte_records());
    let header = loop {
        match records.next() {
            None => return Err(ReadError::Empty),
            Some(Err(err)) => return Err(err),
            Some(Ok(row)) if row.cells.iter().all(|c| c.trim().is_empty()) => continue,
            Some(Ok(row)) => break row,
        }
    };
    let mut rows = records.peekable();
    if rows.peek().is_none() {
        return Err(ReadError::HeaderOnly);
    }
    Ok(Table {
        format: Format::Csv { delimiter },
        headers: header.cells.iter().map(|h| h.trim().to_owned()).collect(),
        notices,
        sheets: Vec::new(),
        total_rows: None,
        rows: Box::new(rows),
    })
}

/// Rows from CSV records, decoded per field. Rows are numbered as a
/// spreadsheet shows the file (the header is row 1; a quoted line break stays
/// within its row); blank lines are dropped and not counted.
fn csv_reader_rows<R: Read + Send + 'static>(
    records: csv::ByteRecordsIntoIter<R>,
) -> impl Iterator<Item = Result<RawRow, ReadError>> + Send {
    records.filter_map(|record| match record {
        Err(err) => Some(Err(ReadError::Csv {
            line: err.position().map_or(0, |p| p.record() + 1),
            reason: err.to_string(),
        })),
        Ok(record) => {
            let number = record.position().map_or(0, |p| p.record() + 1);
            if record.len() == 1 && record[0].is_empty() {
                return None;
            }
            let cells = record
                .iter()
                .map(|field| match std::str::from_utf8(field) {
                    Ok(text) => text.to_owned(),
                    Err(_) => windows_1252(field),
                })
                .collect();
            Some(Ok(RawRow { number, cells }))
        }
    })
}

/// Decodes Windows-1252, the usual encoding of a CSV saved by Excel on Windows.
pub fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
        '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[(b - 0x80) as usize],
            _ => char::from(b),
        })
        .collect()
}

/// Recognises common binary formats (and anything with NUL bytes) by content.
fn binary_kind(sample: &[u8]) -> Option<&'static str> {
    if sample.starts_with(b"%PDF") {
        Some("a PDF")
    } else if sample.starts_with(&[0x89, b'P', b'N', b'G']) || sample.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("an image")
    } else if sample.starts_with(&[0x1F, 0x8B]) {
        Some("a gzip archive")
    } else if sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF") {
        Some("UTF-16 text; save it as UTF-8 CSV")
    } else if sample.contains(&0) {
        Some("binary data")
    } else {
        None
    }
}

/// The delimiter that splits the first lines into the same, largest number of
/// fields (quotes respected); comma when nothing else fits better.
fn detect_delimiter(sample: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for delimiter in DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let counts: Vec<usize> = reader
            .byte_records()
            .take(20)
            .filter_map(Result::ok)
            .map(|r| r.len())
            .collect();
        let Some(&first) = counts.first() else { continue };
        // The last sampled line may be cut off mid-row.
        let consistent = counts[..counts.len().saturating_sub(1).max(1)]
            .iter()
            .filter(|&&n| n == first)
            .count();
        if first > 1 && (consistent, first) > (best.1, best.2) {
            best = (delimiter, consistent, first);
        }
    }
    best.0
}

fn open_spreadsheet(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Table, ReadError> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|err| ReadError::Spreadsheet(err.to_string()))?;
    let sheets = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => sheets
            .iter()
            .find(|name| name.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| ReadError::NoSuchSheet {
                wanted: wanted.to_owned(),
                available: sheets.join(", "),
            })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| ReadError::Spreadsheet("the workbook has no sheets".to_owned()))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|err| ReadError::Spreadsheet(err.to_string()))?;
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    let mut rows: Vec<RawRow> = range
        .rows()
        .enumerate()
        .map(|(index, cells)| RawRow {
            number: first_row + index as u64 + 1,
            cells: cells.iter().map(cell_text).collect(),
        })
        .filter(|row| row.cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        return Err(ReadError::Empty);
    }
    let header = rows.remove(0);
    if rows.is_empty() {
        return Err(ReadError::HeaderOnly);
    }
    Ok(Table {
        format: Format::Spreadsheet { sheet: name },
        headers: header.cells.iter().map(|h| h.trim().to_owned()).collect(),
        notices: Vec::new(),
        sheets,
        total_rows: Some(rows.len() as u64),
        rows: Box::new(rows.into_iter().map(Ok)),
    })
}

/// A cell as text: whole numbers without a decimal point (ULNs typed as
/// numbers), dates as yyyy-mm-dd, formulas never evaluated (the cached value).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(when) => match when.as_datetime() {
            Some(moment) => moment.date().format("%Y-%m-%d").to_string(),
            None => when.as_f64().to_string(),
        },
        Data::Error(err) => format!("#{err:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], name: &str) -> Result<(Table, Vec<RawRow>), ReadError> {
        let table = open(Cursor::new(bytes.to_vec()), name, None)?;
        let format = table.format.clone();
        let headers = table.headers.clone();
        let notices = table.notices.clone();
        let rows = table.rows().collect::<Result<Vec<_>, _>>()?;
        let table = Table {
            format,
            headers,
            notices,
            sheets: Vec::new(),
            total_rows: None,
            rows: Box::new(std::iter::empty()),
        };
        Ok((table, rows))
    }

    #[test]
    fn every_common_delimiter_is_detected() {
        for (delimiter, text) in [
            (b',', "ULN,Forename,Surname\n1000000042,Ada,Lovelace\n"),
            (b';', "ULN;Forename;Surname\n1000000042;Ada;\"Love;lace\"\n"),
            (b'\t', "ULN\tForename\tSurname\n1000000042\tAda\tLovelace\n"),
            (b'|', "ULN|Forename|Surname\n1000000042|Ada|Lovelace\n"),
        ] {
            let (table, rows) = read(text.as_bytes(), "x.csv").expect("reads");
            assert_eq!(table.format, Format::Csv { delimiter }, "{text}");
            assert_eq!(table.headers, vec!["ULN", "Forename", "Surname"]);
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].number, 2);
        }
    }

    #[test]
    fn bom_quoted_newlines_and_windows_1252_are_read() {
        let mut bytes = b"\xEF\xBB\xBFMIS id,Forename,Surname\r\n".to_vec();
        bytes.extend_from_slice(b"A1,\"Zo\xEB\",\"O'Brien\nJr\"\r\nA2,Ren\xC3\xA9e,Smith\r\n");
        let (table, rows) = read(&bytes, "x.csv").expect("reads");
        assert_eq!(table.headers[0], "MIS id");
        assert_eq!(rows[0].cells, vec!["A1", "Zoë", "O'Brien\nJr"]);
        assert_eq!(rows[1].cells, vec!["A2", "Renée", "Smith"]);
        assert_eq!(
            rows[1].number, 3,
            "a quoted line break stays within its row, as in a spreadsheet"
        );
        assert_eq!(windows_1252(b"\x80\x93"), "€“");
    }

    #[test]
    fn empty_header_only_and_binary_files_are_refused_with_reasons() {
        assert!(matches!(read(b"", "x.csv"), Err(ReadError::Empty)));
        assert!(matches!(read(b"\n\n", "x.csv"), Err(ReadError::Empty)));
        assert!(matches!(
            read(b"ULN,Forename,Surname\n", "x.csv"),
            Err(ReadError::HeaderOnly)
        ));
        assert!(matches!(
            read(b"%PDF-1.7 ...", "x.csv"),
            Err(ReadError::Binary("a PDF"))
        ));
        assert!(matches!(
            read(b"ULN,\x00\x01\x02", "x.csv"),
            Err(ReadError::Binary("binary data"))
        ));
        let err = read(b"PK\x03\x04garbage", "x.xlsx").expect_err("broken zip");
        assert!(
            err.to_string().starts_with("the spreadsheet cannot be read"),
            "{err}"
        );
    }

    #[test]
    fn a_text_file_named_xlsx_is_read_as_csv_with_a_notice() {
        let (table, rows) = read(
            b"ULN,Forename,Surname\n1000000042,Ada,Lovelace\n",
            "learners.xlsx",
        )
        .expect("reads");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            table.notices,
            vec!["the file is named .xlsx but holds text; it was read as CSV"]
        );
    }

    #[test]
    fn blank_lines_are_skipped_and_ragged_rows_kept_for_the_validator() {
        let (_, rows) = read(b"\nULN,Forename,Surname\n\n1,Ada\n2,Bo,B,extra\n", "x.csv").expect("reads");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells.len(), 2);
        assert_eq!(rows[1].cells.len(), 4);
        assert_eq!(rows[1].number, 3, "blank lines are not counted");
    }

    #[test]
    fn spreadsheet_cells_become_text() {
        assert_eq!(cell_text(&Data::Float(1000000042.0)), "1000000042");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(
            cell_text(&Data::String("=HYPERLINK(\"x\")".into())),
            "=HYPERLINK(\"x\")"
        );
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
