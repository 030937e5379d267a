//! Values with the position they were read from ([`Located`]), and the
//! ordered map of ids to entries that procedure files use ([`OrderedMap`]),
//! with their serde and JSON Schema impls.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::source::Pos;

/// A value with the position in the file it was read from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written ([`Pos::UNKNOWN`] for defaults).
    pub pos: Pos,
}

impl<T> Located<T> {
    /// A value with no position.
    pub fn unlocated(value: T) -> Self {
        Located {
            value,
            pos: Pos::UNKNOWN,
        }
    }
}

impl<T> Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let loc = spanned.referenced;
        let pos = Pos {
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
            len: u32::try_from(loc.span().len()).unwrap_or(0),
        };
        Ok(Located {
            value: spanned.value,
            pos,
        })
    }
}

impl<T: Serialize> Serialize for Located<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A key of an [`OrderedMap`]: hashed and compared by its text alone, so
/// that the map is looked up by `&str` while keeping the key's position.
#[derive(Clone, Debug)]
struct Key(Located<String>);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.0.value == other.0.value
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.value.hash(state);
    }
}

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0.value
    }
}

/// A map that keeps the order of the file and the position of each key.
#[derive(Clone, Debug)]
pub struct OrderedMap<V> {
    map: IndexMap<Key, V>,
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap {
            map: IndexMap::new(),
        }
    }
}

impl<V> OrderedMap<V> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }
    /// The position of `key` in the order of the file.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.map.get_index_of(key)
    }
    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }
    /// Entries in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Located<String>, &V)> {
        self.map.iter().map(|(k, v)| (&k.0, v))
    }
    /// Keys in file order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.map.keys().map(|k| k.0.value.as_str())
    }
    /// The entry at `i` in file order.
    pub fn entry(&self, i: usize) -> Option<(&Located<String>, &V)> {
        self.map.get_index(i).map(|(k, v)| (&k.0, v))
    }
    /// The value at `i` in file order, to change it (`i` below [`OrderedMap::len`]).
    pub fn value_mut(&mut self, i: usize) -> &mut V {
        &mut self.map[i]
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }
    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    /// Adds an entry; returns false (and adds nothing) when the key exists.
    pub fn insert(&mut self, key: Located<String>, value: V) -> bool {
        match self.map.entry(Key(key)) {
            indexmap::map::Entry::Occupied(_) => false,
            indexmap::map::Entry::Vacant(slot) => {
                slot.insert(value);
                true
            }
        }
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of ids to entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = OrderedMap::default();
                while let Some(key) = map.next_key::<Located<String>>()? {
                    let value = map.next_value()?;
                    let name = key.value.clone();
                    if !out.insert(key, value) {
                        return Err(de::Error::custom(format!(
                            "duplicate id `{name}`; every id in a map must be unique"
                        )));
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

impl<V: JsonSchema> JsonSchema for OrderedMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<V>();
        json_schema!({
            "type": "object",
            "additionalProperties": value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, line: u32) -> Located<String> {
        Located {
            value: name.to_owned(),
            pos: Pos {
                line,
                column: 1,
                len: name.len() as u32,
            },
        }
    }

    /// File order, lookups by text, and the first of two equal keys kept
    /// with its position.
    #[test]
    fn keeps_file_order_and_the_first_of_equal_keys() {
        let mut m = OrderedMap::default();
        assert!(m.is_empty());
        assert!(m.insert(key("b", 1), 10));
        assert!(m.insert(key("a", 2), 20));
        assert!(!m.insert(key("b", 3), 30));
        assert_eq!(m.len(), 2);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(m.index_of("a"), Some(1));
        assert_eq!(m.get("b"), Some(&10));
        assert!(m.contains_key("a") && !m.contains_key("c"));
        let (k, v) = m.entry(0).expect("an entry");
        assert_eq!((k.value.as_str(), k.pos.line, *v), ("b", 1, 10));
        assert!(m.entry(2).is_none());
    }
}
