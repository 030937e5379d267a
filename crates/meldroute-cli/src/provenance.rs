//! The provenance of this run (docs/provenance.md): what this build is,
//! the command line, and the options and files each command adds
//! ([`Invocation::provenance`]). The data type is
//! [`meldroute_core::provenance::Provenance`]; `meldroute_render::provenance`
//! writes it into each format.

use meldroute_core::provenance::Provenance;
use meldroute_core::sim::SimOptions;
use meldroute_core::{EntryId, Library};
use serde_json::Value;

use crate::cli::{LimitArgs, StampArgs};

/// The version of this build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit this build was made from (`unknown` outside a git
/// checkout), set by `build.rs`.
pub const COMMIT: &str = env!("MELDROUTE_COMMIT");

/// `meldroute --version`: the version and the commit.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("MELDROUTE_COMMIT"),
    ")"
);

/// How the program was called: the arguments after its name, and the time
/// to record when `--timestamp` asks for one (`None`: now).
#[derive(Clone, Debug)]
pub struct Invocation {
    /// The arguments after the program's name, as given (lossily UTF-8).
    pub command: Vec<String>,
    /// The time to record instead of now (`meldroute verify` runs a command
    /// again at the time its output names).
    pub clock: Option<String>,
}

impl Invocation {
    /// This process's command line.
    pub fn from_env() -> Self {
        Invocation {
            command: std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            clock: None,
        }
    }

    /// The provenance of an output about `targets` of `lib`, with the
    /// command's `options`.
    pub fn provenance(
        &self,
        lib: &Library,
        targets: &[EntryId],
        options: Options,
        stamp: &StampArgs,
    ) -> Provenance {
        Provenance {
            tool: "meldroute".to_owned(),
            version: VERSION.to_owned(),
            commit: COMMIT.to_owned(),
            command: self.command.clone(),
            options: options.0,
            files: lib.digests(targets),
            made: stamp
                .timestamp
                .then(|| self.clock.clone().unwrap_or_else(now_rfc3339)),
        }
    }
}

/// The options of a command, in the order added, defaults filled in.
#[derive(Debug, Default)]
pub struct Options(serde_json::Map<String, Value>);

impl Options {
    /// No options yet.
    pub fn new() -> Self {
        Options::default()
    }

    /// Adds one option.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.0.insert(name.to_owned(), value.into());
        self
    }

    /// Adds a `--format`-style choice by the name the command line takes.
    pub fn choice(self, name: &str, value: impl clap::ValueEnum) -> Self {
        let text = value_name(value);
        self.with(name, text)
    }

    /// Adds the simulation options in effect: the runs, or with precision
    /// targets the targets and the ceiling (how many journeys ran is in the
    /// output itself, per procedure).
    pub fn sim(self, sim: &SimOptions) -> Self {
        let runs = match &sim.precision {
            Some(p) => self
                .with(
                    "precision",
                    p.targets
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                )
                .with("max_runs", p.max_runs),
            None => self.with("runs", sim.runs),
        };
        let runs = runs
            .with("seed", sim.seed)
            .with("threads", sim.threads as u64)
            .with("max_steps", sim.max_steps);
        match sim.start {
            Some(d) => runs.with("start_date", d.to_string()),
            None => runs,
        }
    }

    /// Adds the input limits in effect.
    pub fn limits(self, limits: &LimitArgs) -> Self {
        self.with("max_file_size", limits.max_file_size)
            .with("max_depth", limits.max_depth as u64)
            .with("max_aliases", limits.max_aliases as u64)
            .with("max_yaml_nodes", limits.max_yaml_nodes as u64)
            .with("max_procedure_steps", limits.max_procedure_steps as u64)
            .with("max_library_size", limits.max_library_size)
            .with("max_library_steps", limits.max_library_steps as u64)
            .with("max_library_files", limits.max_library_files as u64)
    }
}

/// The name the command line takes for a choice (`json`, `svg`).
pub fn value_name(value: impl clap::ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

/// Refuses `--timestamp` on an output that carries no provenance (a table
/// for people).
pub fn refuse_stamp_without_provenance(stamp: &StampArgs, carries: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        carries || !stamp.timestamp,
        "--timestamp applies to outputs that carry provenance (JSON, CSV, Markdown, the report, diagrams), not to a table for people; leave it out or choose such a --format"
    );
    Ok(())
}

/// Now, in RFC 3339 (UTC, whole seconds): `2026-01-31T12:00:00Z`.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since 1970 in RFC 3339, UTC (the civil calendar from days,
/// after Howard Hinnant's `civil_from_days`).
fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        // `date -u -d @1561000000`
        assert_eq!(super::rfc3339(1_561_000_000), "2019-06-20T03:06:40Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
