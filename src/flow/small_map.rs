//! A sorted map in one vector. Values of the analysis hold a handful of entries and are cloned and joined
//! constantly: a `BTreeMap` node is hundreds of bytes and an allocation per map, this is one small vector.

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap {
            entries: Vec::new(),
        }
    }
}

pub struct Entry<'a, K, V> {
    map: &'a mut SmallMap<K, V>,
    key: K,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let at = match self.map.entries.binary_search_by(|(k, _)| k.cmp(&self.key)) {
            Ok(at) => at,
            Err(at) => {
                self.map.entries.insert(at, (self.key, make()));
                at
            }
        };
        &mut self.map.entries[at].1
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<K: Ord, V> SmallMap<K, V> {
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        Entry { map: self, key }
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.entries
            .binary_search_by(|(k, _)| k.borrow().cmp(key))
            .ok()
            .map(|at| &self.entries[at].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
    {
        match self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)) {
            Ok(at) => Some(&mut self.entries[at].1),
            Err(_) => None,
        }
    }

    /// Adds a copy of each entry of `other` whose key is not here (what is here stays); says whether any
    /// was added. One merge of the two sorted vectors, and none when nothing is new (the common case of
    /// a fixed point).
    pub fn absorb_from(&mut self, other: &SmallMap<K, V>) -> bool
    where
        K: Clone,
        V: Clone,
    {
        if other.entries.is_empty() {
            return false;
        }
        if self.entries.is_empty() {
            self.entries = other.entries.clone();
            return true;
        }
        let missing = {
            let (mut here, mut missing) = (self.entries.iter().peekable(), 0);
            for (key, _) in &other.entries {
                while here.next_if(|(k, _)| k < key).is_some() {}
                if here.next_if(|(k, _)| k == key).is_none() {
                    missing += 1;
                }
            }
            missing
        };
        if missing == 0 {
            return false;
        }
        let mut merged = Vec::with_capacity(self.entries.len() + missing);
        let mut here = std::mem::take(&mut self.entries).into_iter().peekable();
        for (key, value) in &other.entries {
            while let Some(entry) = here.next_if(|(k, _)| k < key) {
                merged.push(entry);
            }
            match here.next_if(|(k, _)| k == key) {
                Some(entry) => merged.push(entry),
                None => merged.push((key.clone(), value.clone())),
            }
        }
        merged.extend(here);
        self.entries = merged;
        true
    }

    /// The value under `key`, inserted by `make` when there is none (one search).
    pub fn get_or_insert_with<Q>(&mut self, key: &Q, make: impl FnOnce() -> V) -> &mut V
    where
        K: std::borrow::Borrow<Q>,
        Q: Ord + ToOwned<Owned = K> + ?Sized,
    {
        let at = match self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key.to_owned(), make()));
                at
            }
        };
        &mut self.entries[at].1
    }

    /// Walks `other` beside this map once: `both` for each key in both, `fresh` for each key only in
    /// `other` (kept when it gives a value). Says whether `both` said so or anything was added.
    pub fn merge_from<W>(
        &mut self,
        other: &SmallMap<K, W>,
        mut both: impl FnMut(&mut V, &W) -> bool,
        mut fresh: impl FnMut(&W) -> Option<V>,
    ) -> bool
    where
        K: Clone,
    {
        let mut changed = false;
        let mut added: Vec<(K, V)> = Vec::new();
        let mut at = 0;
        for (key, theirs) in &other.entries {
            let mut order = std::cmp::Ordering::Greater;
            while let Some((mine, _)) = self.entries.get(at) {
                order = mine.cmp(key);
                if order != std::cmp::Ordering::Less {
                    break;
                }
                at += 1;
            }
            if order == std::cmp::Ordering::Equal && at < self.entries.len() {
                changed |= both(&mut self.entries[at].1, theirs);
                at += 1;
            } else if let Some(value) = fresh(theirs) {
                added.push((key.clone(), value));
            }
        }
        if added.is_empty() {
            return changed;
        }
        let mut merged = Vec::with_capacity(self.entries.len() + added.len());
        let mut here = std::mem::take(&mut self.entries).into_iter().peekable();
        for (key, value) in added {
            while let Some(entry) = here.next_if(|(k, _)| *k < key) {
                merged.push(entry);
            }
            merged.push((key, value));
        }
        merged.extend(here);
        self.entries = merged;
        true
    }

    pub fn insert(&mut self, key: K, value: V) {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => self.entries[at].1 = value,
            Err(at) => self.entries.insert(at, (key, value)),
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.entries.retain(|(k, v)| keep(k, v));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Gives back spare capacity, for maps kept until the end of the run.
    pub fn shrink(&mut self) {
        self.entries.shrink_to_fit();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<K, V> IntoIterator for SmallMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SmallMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SmallMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SmallMap::default();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_sorted_map() {
        let mut map: SmallMap<u32, &str> = SmallMap::default();
        map.insert(3, "c");
        map.insert(1, "a");
        *map.entry(2).or_insert("b") = "b";
        assert_eq!(*map.entry(1).or_insert("x"), "a");
        map.insert(3, "C");
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(map.get(&3), Some(&"C"));
        assert_eq!(map.get(&4), None);
        let collected: SmallMap<u32, &str> = [(5, "e"), (4, "d")].into_iter().collect();
        assert_eq!(
            collected.into_iter().collect::<Vec<_>>(),
            [(4, "d"), (5, "e")]
        );
    }
}
