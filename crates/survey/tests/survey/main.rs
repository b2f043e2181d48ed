//! The survey engine: the shipped files load, every refusal reason of the
//! loader, routing, answer checks and the mapping of answers to records.

mod answers;
mod loader;
