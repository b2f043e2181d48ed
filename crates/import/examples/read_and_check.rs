//! Reads and checks every row of a file without writing anything: the share of
//! an import's time spent before the database (bench/import.sh prints it).
//!
//!     cargo run --release -p onward-import --example read_and_check -- FILE

use std::time::Instant;

use onward_domain::organisation::CountryCode;
use onward_import::mapping::ColumnMapping;
use onward_import::reader;
use onward_import::row::RowValidator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: read_and_check FILE")?;
    let started = Instant::now();
    let file = std::fs::File::open(&path)?;
    let table = reader::open(file, &path, None)?;
    let mapping = ColumnMapping::detect(&table.headers);
    mapping.check()?;
    let country = CountryCode::parse("GB").map_err(|err| format!("{err:?}"))?;
    let validator = RowValidator::new(mapping, country, chrono::Utc::now().date_naive());
    let (mut rows, mut valid, mut issues) = (0u64, 0u64, 0usize);
    for raw in table.rows() {
        let raw = raw?;
        rows += 1;
        let (row, found) = validator.validate(&raw);
        valid += u64::from(row.is_some());
        issues += found.len();
    }
    println!(
        "read and checked {rows} rows ({valid} valid, {issues} issues) in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
