//! Joins each locale's Fluent files (`locales/<code>/*.ftl`, in name order) into
//! one resource per locale, so every area of the app keeps its strings in its own
//! file and the binary still embeds one catalogue per language.

use std::{env, fs, path::Path};

fn main() {
    let locales = Path::new("locales");
    println!("cargo::rerun-if-changed=locales");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    // The learner site's six languages always have a catalogue (empty until a
    // locale folder holds its survey-site.ftl), so the binary builds either way.
    for code in ["en-GB", "cy", "es", "it", "nl", "et"] {
        let target = Path::new(&out_dir).join(format!("{code}.ftl"));
        fs::write(&target, "").unwrap_or_else(|error| panic!("{}: {error}", target.display()));
    }
    for locale in fs::read_dir(locales).expect("crates/web/locales exists") {
        let locale = locale.expect("readable locales directory");
        if !locale.path().is_dir() {
            continue;
        }
        println!("cargo::rerun-if-changed={}", locale.path().display());
        let mut files: Vec<_> = fs::read_dir(locale.path())
            .expect("readable locale directory")
            .map(|entry| entry.expect("readable locale file").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
            .collect();
        files.sort();
        let mut joined = String::new();
        for file in files {
            println!("cargo::rerun-if-changed={}", file.display());
            let text =
                fs::read_to_string(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            joined.push_str(&format!("\n# --- {} ---\n", file.display()));
            joined.push_str(&text);
            joined.push('\n');
        }
        let name = locale.file_name();
        let target = Path::new(&out_dir).join(format!("{}.ftl", name.to_string_lossy()));
        fs::write(&target, joined).unwrap_or_else(|error| panic!("{}: {error}", target.display()));
    }
}
