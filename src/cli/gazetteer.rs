//! `geoevents gazetteer info` and `geoevents gazetteer import`.

use super::{CliResult, Exit, GlobalArgs};
use geoevents_core::gazetteer::import::{import, ImportOptions};
use geoevents_core::gazetteer::{Gazetteer, Origin};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum GazetteerCommand {
    /// Describe the gazetteer in use (built-in, --gazetteer or $GEOEVENTS_GAZETTEER).
    Info {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Build a gazetteer file from GeoNames dump files.
    Import {
        /// allCountries.txt or citiesNNN.txt (19 columns), plus optionally
        /// admin1CodesASCII.txt, countryInfo.txt, alternateNamesV2.txt.
        #[arg(required = true, value_name = "FILES")]
        files: Vec<PathBuf>,
        /// The gazetteer file to write (replaced atomically).
        #[arg(short, long, value_name = "PATH")]
        output: PathBuf,
        /// Stop at the first malformed line instead of skipping and counting it.
        #[arg(long)]
        strict: bool,
    },
}

pub fn run(global: &GlobalArgs, cmd: &GazetteerCommand) -> CliResult {
    match cmd {
        GazetteerCommand::Info { json } => info(global, *json),
        GazetteerCommand::Import { files, output, strict } => run_import(files, output, *strict),
    }
}

fn info(global: &GlobalArgs, json: bool) -> CliResult {
    let gaz = Gazetteer::choose(global.gazetteer.as_deref())?;
    let store = gaz.store();
    let origin = match gaz.origin() {
        Origin::BuiltIn => "built-in".to_string(),
        Origin::File(p) => p.display().to_string(),
    };
    let meta: serde_json::Value = serde_json::from_str(store.meta_json()).unwrap_or(serde_json::Value::Null);
    if json {
        let v = serde_json::json!({
            "origin": origin, "bytes": store.size_bytes(), "records": store.len(),
            "names": store.name_count(), "meta": meta,
        });
        println!("{v}");
    } else {
        println!("gazetteer: {origin}");
        println!("size:      {:.1} MB", store.size_bytes() as f64 / 1e6);
        println!("records:   {}", store.len());
        println!("names:     {} distinct folded names", store.name_count());
        if let Some(kinds) = meta.get("by_kind").and_then(|k| k.as_object()) {
            for (k, n) in kinds {
                println!("  {k:<10} {n}");
            }
        }
        if let Some(src) = meta.get("source") {
            println!("source:    {}", src.as_str().map_or_else(|| src.to_string(), str::to_string));
        }
        if matches!(gaz.origin(), Origin::BuiltIn) {
            println!("licence:   Contains data from GeoNames (geonames.org), CC BY 4.0. Made with Natural Earth.");
        }
    }
    Ok(Exit::Ok)
}

fn run_import(files: &[PathBuf], output: &std::path::Path, strict: bool) -> CliResult {
    let total: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress: Option<Box<dyn Fn(u64) + Send>> = bar.clone().map(|b| {
        let base = std::sync::atomic::AtomicU64::new(0);
        Box::new(move |read: u64| {
            let _ = &base;
            b.set_position(read.min(total));
        }) as Box<dyn Fn(u64) + Send>
    });
    for removed in super::output::sweep_stale_temporaries(&super::output::folder_of(output)) {
        eprintln!("geoevents: removed the stale temporary file {}", removed.display());
    }
    let started = std::time::Instant::now();
    let result = import(files, output, &ImportOptions { strict, progress });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = result?;
    for (path, line, msg) in &report.skipped {
        eprintln!("geoevents: skipped {}:{line}: {msg}", path.display());
    }
    if report.skipped_total > report.skipped.len() as u64 {
        eprintln!("geoevents: ... and {} more skipped lines", report.skipped_total - report.skipped.len() as u64);
    }
    if report.duplicates > 0 {
        eprintln!(
            "geoevents: {} rows repeated a geonameid given earlier: each was merged into the first row with that id (kept, later rows skipped)",
            report.duplicates
        );
    }
    eprintln!(
        "geoevents: wrote {} ({} places, {} names, {} distinct keys, {} alternate names joined, {} lines skipped, {} duplicate geonameids merged) in {:.1} s",
        output.display(),
        report.build.records,
        report.build.names,
        report.build.keys,
        report.alternate_names,
        report.skipped_total,
        report.duplicates,
        started.elapsed().as_secs_f64()
    );
    Ok(Exit::Ok)
}
