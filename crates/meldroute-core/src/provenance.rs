//! Where an output came from: the program that made it, the command line,
//! the options in effect and the SHA-256 of every procedure file read
//! (docs/provenance.md). Data only: the program fills in what it knows
//! (its version and commit, its arguments); [`Library::digests`] hashes
//! the files; `meldroute-render` writes it into each output format.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::library::{EntryId, Library};

/// How an output was made: enough to make it again and to see whether it
/// still comes out the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Provenance {
    /// The program: `meldroute`.
    pub tool: String,
    /// Its version (`0.1.0`).
    pub version: String,
    /// The commit it was built from (`git rev-parse HEAD`), with `-dirty`
    /// when tracked files had changes, or `unknown` when it was not built
    /// from a git checkout.
    pub commit: String,
    /// The arguments after the program's name, as given: the command
    /// `meldroute verify` runs again.
    pub command: Vec<String>,
    /// The options in effect, defaults filled in (`runs`, `seed`,
    /// `threads`, `max_steps`, `format`, the command's others, the input
    /// limits). The figures do not depend on `threads`; it is listed all the
    /// same.
    pub options: serde_json::Map<String, serde_json::Value>,
    /// Every procedure file read, in the order it was loaded.
    pub files: Vec<FileDigest>,
    /// When the output was made (RFC 3339, UTC), only when asked for
    /// (`--timestamp`): an output with a time is not the same, byte for
    /// byte, as one made at another time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<String>,
}

/// One procedure file an output was made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileDigest {
    /// The path as the user gave it (a file in a directory given: the
    /// directory joined with its name), or for a bundled file its path
    /// below `processes/` (`rijk/klacht.yaml`).
    pub path: String,
    /// `user` or `bundled`.
    pub origin: FileOrigin,
    /// SHA-256 of the file's bytes as read, in lower-case hex.
    pub sha256: String,
}

/// Where a procedure file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileOrigin {
    /// Named by the user (or found in a directory the user named).
    User,
    /// Built into the program (`meldroute list`).
    Bundled,
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = sha2::Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// The prefix of a bundled file's name in a [`Library`] (`bundled:rijk/klacht.yaml`).
const BUNDLED_PREFIX: &str = "bundled:";

/// The SHA-256 of the bundled file at `path` (below `processes/`), if
/// there is one.
pub fn bundled_sha256(path: &str) -> Option<String> {
    crate::library::bundled_files()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| sha256_hex(text.as_bytes()))
}

impl Library {
    /// `roots` and every procedure their escalations reach, transitively
    /// (resolved as the simulation resolves them), each once, in the order
    /// found. An escalation to a procedure not loaded is passed over.
    pub fn reached(&self, roots: &[EntryId]) -> Vec<EntryId> {
        let mut found: Vec<EntryId> = Vec::with_capacity(roots.len());
        let mut seen = std::collections::HashSet::new();
        for &r in roots {
            if seen.insert(r) {
                found.push(r);
            }
        }
        let mut i = 0;
        while i < found.len() {
            for (_, step) in self.entry(found[i]).procedure.steps.iter() {
                let target = step
                    .escalate
                    .as_ref()
                    .and_then(|esc| self.resolve_index(&esc.procedure));
                if let Some(t) = target
                    && seen.insert(t)
                {
                    found.push(t);
                }
            }
            i += 1;
        }
        found
    }

    /// The files an output about `targets` was made from, in load order:
    /// every file of the user's that was read, and the bundled files of
    /// the procedures `targets` reach ([`Library::reached`]). The hash is
    /// of the bytes the loader read (a bundled file: its embedded bytes; a
    /// file refused as not UTF-8: its bytes; one over the size limit: the
    /// first `max_file_bytes + 1`, all the loader reads of it).
    pub fn digests(&self, targets: &[EntryId]) -> Vec<FileDigest> {
        self.digests_with(targets, &[])
    }

    /// The file of caseload `k` ([`Library::caseloads`]) and, for a
    /// caseload scenario, the files of the bases it builds on, for
    /// [`Library::digests_with`]: a bundled caseload's file is reached by
    /// no procedure.
    pub fn caseload_files(&self, k: usize) -> Vec<crate::FileId> {
        let mut files = Vec::new();
        let mut next = Some(k);
        // At most every caseload once: a base loop is refused, not followed.
        while let Some(c) = next.and_then(|k| self.caseloads().get(k)) {
            if files.contains(&c.file) || files.len() > self.caseloads().len() {
                break;
            }
            files.push(c.file);
            next = c
                .spec
                .base
                .as_ref()
                .and_then(|b| self.caseload_index(b.as_str()));
        }
        files
    }

    /// [`Library::digests`], with the bundled files `also` listed too (a
    /// bundled caseload's file, which no procedure reaches).
    pub fn digests_with(&self, targets: &[EntryId], also: &[crate::FileId]) -> Vec<FileDigest> {
        let mut bundled: Vec<bool> = vec![false; self.files().len()];
        for f in also {
            bundled[f.index()] = true;
        }
        for e in self.reached(targets) {
            // Its file (a scenario's is its base's), and the files of the
            // scenarios it is and builds on; bundled ones are listed when
            // used (below).
            let entry = self.entry(e);
            bundled[entry.file.index()] = true;
            let mut scenario = entry.scenario;
            while let Some(k) = scenario {
                let sf = &self.scenarios()[k];
                bundled[sf.file.index()] = true;
                scenario = sf.base.and_then(|b| self.entry(b).scenario);
            }
        }
        self.files()
            .iter()
            .enumerate()
            .filter_map(|(i, file)| {
                let origin = match file.name().strip_prefix(BUNDLED_PREFIX) {
                    Some(path) if bundled[i] => (FileOrigin::Bundled, path),
                    Some(_) => return None,
                    None => (FileOrigin::User, file.name()),
                };
                Some(FileDigest {
                    path: origin.1.to_owned(),
                    origin: origin.0,
                    sha256: self
                        .read_sha256(i)
                        .map_or_else(|| sha256_hex(file.text().as_bytes()), str::to_owned),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    #[test]
    fn sha256_of_known_text() {
        // `printf abc | sha256sum`
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn digests_name_the_bundled_files_a_procedure_reaches() {
        let lib = Library::with_bundled(Limits::default());
        let klacht = lib.resolve_index("rijk/klacht").unwrap();
        let files = lib.digests(&[klacht]);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"rijk/klacht.yaml"), "{paths:?}");
        assert!(
            paths.contains(&"rijk/nationale-ombudsman.yaml"),
            "{paths:?}"
        );
        assert!(
            !paths.iter().any(|p| p.starts_with("voorbeelden/")),
            "{paths:?}"
        );
        assert!(files.iter().all(|f| f.origin == FileOrigin::Bundled));
        let text = crate::library::bundled_files()
            .iter()
            .find(|(p, _)| *p == "rijk/klacht.yaml")
            .unwrap()
            .1;
        assert_eq!(
            files
                .iter()
                .find(|f| f.path == "rijk/klacht.yaml")
                .unwrap()
                .sha256,
            sha256_hex(text.as_bytes())
        );
        assert_eq!(
            bundled_sha256("rijk/klacht.yaml").as_deref(),
            Some(sha256_hex(text.as_bytes()).as_str())
        );
        assert_eq!(bundled_sha256("rijk/none.yaml"), None);
    }
}
