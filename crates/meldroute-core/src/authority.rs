//! The competent authorities of Wbk art. 2c: the one list of them, as
//! data with each body's full name and the article that designates it.
//! Validation (the `authority` key of a procedure), the JSON Schema, the
//! help of the diagnostics and the bundled generic procedure
//! (`rijk/bevoegde-autoriteit`) all read it from here.
//!
//! Verified: the nine parties of the "Samenwerkingsprotocol netwerk
//! bevoegde autoriteiten" (Stcrt. 2024, 12914) state that they are
//! designated "bij of krachtens artikel 2c" of the Wbk; the Huis voor
//! klokkenluiders names the same nine. See
//! `docs/research/issue-15-legal-sources.md`, section 1.3.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// One competent authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthorityInfo {
    /// The value written in files, e.g. `acm`.
    pub id: &'static str,
    /// The body's full name.
    pub name: &'static str,
    /// The provision that designates it.
    pub basis: &'static str,
}

/// Every competent authority of Wbk art. 2c, in the order of the
/// cooperation protocol (Stcrt. 2024, 12914). More bodies can be
/// designated by decree ("krachtens"): a new one is one more entry.
pub const AUTHORITIES: [AuthorityInfo; 9] = [
    AuthorityInfo {
        id: "acm",
        name: "Autoriteit Consument & Markt",
        basis: "Wbk art. 2c",
    },
    AuthorityInfo {
        id: "afm",
        name: "Autoriteit Financiële Markten",
        basis: "Wbk art. 2c",
    },
    AuthorityInfo {
        id: "anvs",
        name: "Autoriteit Nucleaire Veiligheid en Stralingsbescherming",
        basis: "Wbk art. 2c",
    },
    AuthorityInfo {
        id: "ap",
        name: "Autoriteit Persoonsgegevens",
        basis: "Wbk art. 2c",
    },
    AuthorityInfo {
        id: "dnb",
        name: "De Nederlandsche Bank N.V.",
        basis: "Wbk art. 2c",
    },
    AuthorityInfo {
        id: "huis-voor-klokkenluiders",
        name: "Huis voor Klokkenluiders",
        basis: "Wbk art. 2c",
    },
    AuthorityInfo {
        id: "igj",
        name: "Inspectie Gezondheidszorg en Jeugd",
        basis: "Wbk art. 2c",
    },
    AuthorityInfo {
        id: "nvwa",
        name: "Nederlandse Voedsel- en Warenautoriteit",
        // A secondary source says it was added in 2024 by decree; the
        // decree was not seen.
        basis: "Wbk art. 2c (by decree, 2024; decree unverified)",
    },
    AuthorityInfo {
        id: "nza",
        name: "Nederlandse Zorgautoriteit",
        basis: "Wbk art. 2c",
    },
];

/// The ids of [`AUTHORITIES`], in order (what serde's "expected one of"
/// and the help list).
pub const AUTHORITY_IDS: [&str; AUTHORITIES.len()] = {
    let mut ids = [""; AUTHORITIES.len()];
    let mut i = 0;
    while i < AUTHORITIES.len() {
        ids[i] = AUTHORITIES[i].id;
        i += 1;
    }
    ids
};

/// A competent authority of [`AUTHORITIES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Authority(usize);

impl Authority {
    /// The authority with this id.
    pub fn find(id: &str) -> Option<Authority> {
        AUTHORITY_IDS.iter().position(|a| *a == id).map(Authority)
    }

    /// Every authority, in the order of [`AUTHORITIES`].
    pub fn all() -> impl Iterator<Item = Authority> {
        (0..AUTHORITIES.len()).map(Authority)
    }

    /// Its entry in [`AUTHORITIES`].
    pub fn info(self) -> &'static AuthorityInfo {
        &AUTHORITIES[self.0]
    }

    /// The value written in files.
    pub fn as_str(self) -> &'static str {
        self.info().id
    }
}

impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Authority {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The authority named `v`, or "unknown variant `v`, expected one of ...",
/// which the loader turns into a located error with "did you mean" and the
/// list as help, as for every other named value.
fn parse<E: de::Error>(v: &str) -> Result<Authority, E> {
    Authority::find(v).ok_or_else(|| E::unknown_variant(v, &AUTHORITY_IDS))
}

impl<'de> Deserialize<'de> for Authority {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AuthorityVisitor;
        impl Visitor<'_> for AuthorityVisitor {
            type Value = Authority;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a competent authority of Wbk art. 2c, such as `acm`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Authority, E> {
                parse(v)
            }
        }
        deserializer.deserialize_str(AuthorityVisitor)
    }
}

impl JsonSchema for Authority {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Authority".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let variants: Vec<serde_json::Value> = AUTHORITIES
            .iter()
            .map(|a| {
                serde_json::json!({
                    "const": a.id,
                    "description": format!("{} ({})", a.name, a.basis),
                })
            })
            .collect();
        json_schema!({
            "description": "A competent authority of Wbk art. 2c.",
            "oneOf": variants,
        })
    }
}

/// The `authority` of a procedure: the competent authority it is, or the
/// authorities a generic procedure stands for (`authority: [acm, afm]`),
/// each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorities(pub Vec<Authority>);

impl Authorities {
    /// The authorities, in the order written.
    pub fn iter(&self) -> impl Iterator<Item = Authority> + '_ {
        self.0.iter().copied()
    }
}

impl Serialize for Authorities {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Authorities {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AuthoritiesVisitor;
        impl<'de> Visitor<'de> for AuthoritiesVisitor {
            type Value = Authorities;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a competent authority such as `acm`, or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Authorities, E> {
                // The same message as a custom error: serde_saphyr places
                // an `unknown_variant` of a scalar map value at its key, a
                // custom error at the value itself.
                parse::<de::value::Error>(v)
                    .map(|a| Authorities(vec![a]))
                    .map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Authorities, A::Error> {
                let mut all: Vec<Authority> = Vec::new();
                while let Some(a) = seq.next_element::<Authority>()? {
                    if all.contains(&a) {
                        return Err(de::Error::custom(format!(
                            "authority `{a}` is named twice; name each authority once"
                        )));
                    }
                    all.push(a);
                }
                if all.is_empty() {
                    return Err(de::Error::custom(
                        "`authority` lists no authority; name one, such as `authority: acm`, or leave the key out",
                    ));
                }
                Ok(Authorities(all))
            }
        }
        deserializer.deserialize_any(AuthoritiesVisitor)
    }
}

impl JsonSchema for Authorities {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Authorities".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = generator.subschema_for::<Authority>();
        json_schema!({
            "description": "The competent authority (Wbk art. 2c) the procedure is, or the list of those a generic procedure stands for.",
            "oneOf": [
                one,
                {"type": "array", "items": one, "minItems": 1, "uniqueItems": true}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_authority_cites_art_2c() {
        let mut ids = AUTHORITY_IDS.to_vec();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), AUTHORITIES.len());
        assert!(
            AUTHORITIES
                .iter()
                .all(|a| a.basis.starts_with("Wbk art. 2c"))
        );
        assert_eq!(Authority::find("nza").map(Authority::as_str), Some("nza"));
        assert_eq!(Authority::find("nationale-ombudsman"), None);
    }
}
