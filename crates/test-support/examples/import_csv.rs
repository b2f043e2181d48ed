//! Writes a deterministic MIS-style import file for benchmarks and load tests
//! (see `onward_test_support::generate::import_csv`).
//!
//!     cargo run --release -p onward-test-support --example import_csv -- ROWS > learners.csv

fn main() -> std::io::Result<()> {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    onward_test_support::generate::import_csv(rows, std::io::stdout().lock())
}
