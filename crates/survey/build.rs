//! Embeds every survey file (`surveys/<name>/v<N>.toml` and
//! `surveys/<name>/v<N>/<lang>.ftl` at the repository root) into the binary:
//! writes `$OUT_DIR/survey_files.rs`, a list of `(relative path, include_str!)`,
//! so no survey file is read at run time.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    println!("cargo::rerun-if-changed={}", dir.display());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("readable surveys directory").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "toml" || ext == "ftl") {
            println!("cargo::rerun-if-changed={}", path.display());
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("../../surveys");
    let root = root.canonicalize().unwrap_or(root);
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Every survey file, by its path under `surveys/`.\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for file in files {
        let relative = file.strip_prefix(&root).expect("under surveys/");
        let relative = relative.to_string_lossy().replace('\\', "/");
        code.push_str(&format!(
            "    ({relative:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("survey_files.rs");
    fs::write(&out, code).unwrap_or_else(|error| panic!("{}: {error}", out.display()));
}
