//! Import tests, one binary: whole runs on both backends, and property tests
//! of the cell value parsers.

mod files;
mod identity;
mod parsers;
mod reimport;
mod runs;
