//! Reading an MIS export into a header and rows of text, whatever it is:
//! CSV with any of the common delimiters (detected), UTF-8 with or without a
//! byte-order mark or Windows-1252, or a spreadsheet (XLSX, XLS, ODS). The
//! content decides the format, not the file name. CSV and XLSX are streamed,
//! so memory stays flat in file size: an XLSX sheet is read cell by cell on a
//! thread of its own and handed over a row at a time, and no grid of the
//! sheet's rows × columns is ever built (calamine's `worksheet_range` would
//! allocate the whole rectangle a sheet's cells span: two cells at A1 and
//! XFD1048576 are 17 billion cells). XLS and ODS are refused, because calamine
//! builds that rectangle when it opens them, before anything can be checked.
//!
//! Hostile input is bounded before it is parsed: at most [`MAX_COLUMNS`]
//! columns (a sheet declaring more is refused before a cell is read), and
//! call this module only off the async workers (`spawn_blocking` or a thread).

use std::io::{Cursor, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Data, DataRef, Dimensions, Reader as _, Sheets};

use crate::mapping::column_letter;

/// How much of the file is read to recognise its format and delimiter.
const SNIFF_BYTES: usize = 64 * 1024;
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// The most columns a file may have (CSV header, or any XLSX cell with a
/// value): more than any MIS export needs, and few enough that the preview
/// page (a field choice per column) stays small.
pub const MAX_COLUMNS: usize = 500;
/// Rows of an XLSX sheet read ahead of the importer.
const SHEET_ROWS_AHEAD: usize = 256;
/// The most an XLSX part that calamine reads whole (shared strings, styles,
/// the workbook) may unpack to. Sheets are streamed and need no limit; a
/// shared-strings table of a few megabytes can otherwise unpack to gigabytes.
/// The zip reader enforces each part's declared size, so checking the
/// declared sizes bounds what is unpacked.
pub const MAX_WHOLE_PART_BYTES: u64 = 256 * 1024 * 1024;

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
    #[error(
        "the file has {found} columns; at most {max} can be imported: remove the columns Onward does not need, or split the file"
    )]
    TooManyColumns { found: usize, max: usize },
    #[error(
        "row {row}: there is a value in column {column}, beyond the {max}-column limit; delete the columns after the last one Onward needs, or save the sheet as CSV"
    )]
    CellBeyondColumnLimit { row: u64, column: String, max: usize },
    #[error(
        "the sheet says it spans {range} ({columns} columns); at most {max} columns can be imported: delete the unused columns after the last one with data, or save the sheet as CSV"
    )]
    DeclaredTooWide { range: String, columns: u64, max: usize },
    #[error("{0} workbooks cannot be imported; save the sheet as XLSX or CSV and upload that")]
    UnsupportedWorkbook(&'static str),
    #[error(
        "the workbook's part `{part}` unpacks to {megabytes} MB; at most {max} MB can be read: save the sheet as CSV and upload that"
    )]
    PartTooLarge { part: String, megabytes: u64, max: u64 },
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
    if header.cells.len() > MAX_COLUMNS {
        return Err(ReadError::TooManyColumns {
            found: header.cells.len(),
            max: MAX_COLUMNS,
        });
    }
    let mut rows = records.peekable();
    if rows.peek().is_none() {
        return Err(ReadError::HeaderOnly);
    }
    Ok(Table {
        format: Format::Csv { delimiter },
        headers: header_names(&header.cells),
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

/// The header row's names: trimmed, control characters (a stray NUL)
/// removed, since they name columns in issues, mappings and pages.
fn header_names(cells: &[String]) -> Vec<String> {
    cells
        .iter()
        .map(|h| {
            h.chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .collect()
}

/// Recognises common binary formats (and anything with many control bytes) by
/// content. A text file with a stray NUL or two is text: the row checks strip
/// them and say where (see `row`).
fn binary_kind(sample: &[u8]) -> Option<&'static str> {
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    if sample.starts_with(b"%PDF") {
        Some("a PDF")
    } else if sample.starts_with(&[0x89, b'P', b'N', b'G']) || sample.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("an image")
    } else if sample.starts_with(&[0x1F, 0x8B]) {
        Some("a gzip archive")
    } else if sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF") {
        Some("UTF-16 text; save it as UTF-8 CSV")
    } else if control * 20 > sample.len() {
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

/// Refuses a workbook whose parts read whole would unpack to more than
/// [`MAX_WHOLE_PART_BYTES`], from the sizes its zip directory declares.
fn check_part_sizes(bytes: &[u8]) -> Result<(), ReadError> {
    // Not a readable zip: calamine says why.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(index) else {
            continue;
        };
        let name = part.name().map(|name| name.into_owned()).unwrap_or_default();
        if !name.starts_with("xl/worksheets/") && part.size() > MAX_WHOLE_PART_BYTES {
            return Err(ReadError::PartTooLarge {
                part: name,
                megabytes: part.size() / (1024 * 1024),
                max: MAX_WHOLE_PART_BYTES / (1024 * 1024),
            });
        }
    }
    Ok(())
}

fn open_spreadsheet(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Table, ReadError> {
    check_part_sizes(&bytes)?;
    let workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|err| ReadError::Spreadsheet(err.to_string()))?;
    let mut workbook = match workbook {
        Sheets::Xlsx(workbook) => workbook,
        Sheets::Xls(_) => return Err(ReadError::UnsupportedWorkbook("Excel 97-2003 (.xls)")),
        Sheets::Ods(_) => return Err(ReadError::UnsupportedWorkbook("OpenDocument (.ods)")),
        Sheets::Xlsb(_) => return Err(ReadError::UnsupportedWorkbook("Excel binary (.xlsb)")),
    };
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
    let (sender, receiver) = sync_channel::<SheetMessage>(SHEET_ROWS_AHEAD);
    std::thread::Builder::new()
        .name("onward-sheet-reader".to_owned())
        .spawn({
            let name = name.clone();
            move || {
                let cells = match workbook.worksheet_cells_reader(&name) {
                    Ok(cells) => cells,
                    Err(err) => {
                        let _ = sender.send(SheetMessage::Row(Err(ReadError::Spreadsheet(err.to_string()))));
                        return;
                    }
                };
                stream_sheet(cells, &sender);
            }
        })?;
    let mut rows = SheetRows { receiver };
    let declared = rows.declared()?;
    let header = match rows.next() {
        None => return Err(ReadError::Empty),
        Some(header) => header?,
    };
    // Rows as wide as the header at least, as a sheet shows them (a row's
    // trailing empty cells are not in the file).
    let width = header.cells.len();
    let mut rows = rows
        .map(move |row| {
            row.map(|mut row| {
                if row.cells.len() < width {
                    row.cells.resize(width, String::new());
                }
                row
            })
        })
        .peekable();
    if rows.peek().is_none() {
        return Err(ReadError::HeaderOnly);
    }
    // The declared extent counts blank rows too: an estimate, for progress only.
    let total_rows = declared
        .filter(|d| d.end.0 > 0)
        .map(|d| u64::from(d.end.0) + 1)
        .map(|last| last.saturating_sub(header.number));
    Ok(Table {
        format: Format::Spreadsheet { sheet: name },
        headers: header_names(&header.cells),
        notices: Vec::new(),
        sheets,
        total_rows,
        rows: Box::new(rows),
    })
}

enum SheetMessage {
    /// The sheet's declared dimensions (`None` when it declares none), sent first.
    Declared(Option<Dimensions>),
    Row(Result<RawRow, ReadError>),
}

/// The receiving end of [`stream_sheet`]: its rows as an iterator.
struct SheetRows {
    receiver: Receiver<SheetMessage>,
}

impl SheetRows {
    fn declared(&mut self) -> Result<Option<Dimensions>, ReadError> {
        match self.receiver.recv() {
            Ok(SheetMessage::Declared(dimensions)) => Ok(dimensions),
            Ok(SheetMessage::Row(Err(err))) => Err(err),
            Ok(SheetMessage::Row(Ok(_))) | Err(_) => Err(ReadError::Spreadsheet(
                "the sheet reader stopped early".to_owned(),
            )),
        }
    }
}

impl Iterator for SheetRows {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.receiver.recv() {
            Ok(SheetMessage::Row(row)) => Some(row),
            Ok(SheetMessage::Declared(_)) => Some(Err(ReadError::Spreadsheet(
                "the sheet reader is confused".to_owned(),
            ))),
            // The reading thread ended: the sheet is over.
            Err(_) => None,
        }
    }
}

/// The sheet reader's thread: checks the declared dimensions, then reads the
/// sheet's cells in file order and sends each row that has a value, as wide
/// as its last value. Every value is checked against [`MAX_COLUMNS`] as it is
/// read, so memory is one row whatever the sheet claims. Stops at the first
/// problem, or when the receiver is dropped (a preview has its rows).
fn stream_sheet<RS: std::io::Read + std::io::Seek>(
    mut cells: calamine::XlsxCellReader<'_, RS>,
    sender: &SyncSender<SheetMessage>,
) {
    let fail = |err: ReadError| {
        let _ = sender.send(SheetMessage::Row(Err(err)));
    };
    let dimensions = cells.dimensions();
    let declared = (dimensions != Dimensions::default()).then_some(dimensions);
    if let Some(d) = declared {
        let columns = u64::from(d.end.1.saturating_sub(d.start.1)) + 1;
        if columns > MAX_COLUMNS as u64 {
            let cell = |(row, column): (u32, u32)| {
                format!("{}{}", column_letter(column as usize), u64::from(row) + 1)
            };
            return fail(ReadError::DeclaredTooWide {
                range: format!("{}:{}", cell(d.start), cell(d.end)),
                columns,
                max: MAX_COLUMNS,
            });
        }
    }
    if sender.send(SheetMessage::Declared(declared)).is_err() {
        return;
    }
    // Columns count from the declared start, as calamine's ranges do.
    let origin = declared.map_or(0, |d| d.start.1);
    let mut current: Option<RawRow> = None;
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(err) => return fail(ReadError::Spreadsheet(err.to_string())),
        };
        let (row, column) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            value => cell_text(&Data::from(value.clone())),
        };
        if text.trim().is_empty() {
            continue;
        }
        let number = u64::from(row) + 1;
        let index = column.checked_sub(origin).map(|i| i as usize);
        let Some(index) = index.filter(|&i| i < MAX_COLUMNS) else {
            return fail(ReadError::CellBeyondColumnLimit {
                row: number,
                column: column_letter(column as usize),
                max: MAX_COLUMNS,
            });
        };
        match &current {
            Some(open) if open.number == number => {}
            Some(open) if open.number > number => {
                return fail(ReadError::Spreadsheet(format!(
                    "the rows are out of order (row {number} comes after row {}); open the file in Excel and save it again",
                    open.number
                )));
            }
            _ => {
                if let Some(done) = current.take()
                    && sender.send(SheetMessage::Row(Ok(done))).is_err()
                {
                    return;
                }
                current = Some(RawRow {
                    number,
                    cells: Vec::new(),
                });
            }
        }
        if let Some(open) = current.as_mut() {
            if open.cells.len() <= index {
                open.cells.resize(index + 1, String::new());
            }
            open.cells[index] = text;
        }
    }
    if let Some(done) = current {
        let _ = sender.send(SheetMessage::Row(Ok(done)));
    }
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
    fn a_workbook_whose_shared_strings_unpack_past_the_limit_is_refused_before_reading() {
        use std::io::Write as _;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/sharedStrings.xml", deflated.large_file(true))
            .expect("part");
        let block = vec![b'a'; 1024 * 1024];
        for _ in 0..=(MAX_WHOLE_PART_BYTES / (1024 * 1024)) {
            zip.write_all(&block).expect("write");
        }
        let bytes = zip.finish().expect("zip").into_inner();
        assert!(
            bytes.len() < 2 * 1024 * 1024,
            "a small file: {} bytes",
            bytes.len()
        );
        let err = read(&bytes, "strings.xlsx").expect_err("refused");
        assert_eq!(
            err.to_string(),
            "the workbook's part `xl/sharedStrings.xml` unpacks to 257 MB; at most 256 MB can be read: save the sheet as CSV and upload that"
        );
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
