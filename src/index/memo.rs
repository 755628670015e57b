//! Paths already resolved, by the module they are written in: the flow analysis resolves the same few
//! thousand paths (`Self::new`, `Customer`, `crate::db::save`) hundreds of thousands of times, and a
//! resolution walks imports and globs. Filled once the module tree is complete, shared by the threads.

use super::modules::{BoundNames, ModuleId, ModuleTree, Resolution};
use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// Independent locks, so two threads rarely wait for each other.
const SHARDS: usize = 16;

/// Paths are kept joined (`a::b::c`): one allocation per entry instead of one per segment.
type Bucket = Vec<(ModuleId, Box<str>, Resolution)>;

/// Whether `joined` is `segments` joined by `::`.
fn same_path(joined: &str, segments: &[String]) -> bool {
    let mut rest = joined;
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            match rest.strip_prefix("::") {
                Some(after) => rest = after,
                None => return false,
            }
        }
        match rest.strip_prefix(segment.as_str()) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest.is_empty()
}

#[derive(Debug, Default)]
pub struct ResolutionMemo {
    shards: [Mutex<HashMap<u64, Bucket>>; SHARDS],
    /// The complete tree's names, made at the first resolution.
    bound: std::sync::OnceLock<BoundNames>,
}

impl ResolutionMemo {
    /// What `modules.resolve(from, segments)` gives, computed once per (module, path).
    pub fn resolve(&self, modules: &ModuleTree, from: ModuleId, segments: &[String]) -> Resolution {
        let mut hasher = rustc_hash::FxHasher::default();
        (from, segments).hash(&mut hasher);
        let hash = hasher.finish();
        let shard = &self.shards[(hash as usize) % SHARDS];
        let known = |bucket: &Bucket| {
            bucket
                .iter()
                .find(|(module, path, _)| *module == from && same_path(path, segments))
                .map(|(_, _, resolution)| resolution.clone())
        };
        if let Some(found) = shard
            .lock()
            .ok()
            .and_then(|map| map.get(&hash).and_then(known))
        {
            return found;
        }
        // Resolved outside the lock: another thread may do the same path meanwhile, to the same result.
        let bound = self.bound.get_or_init(|| modules.bound_names());
        let resolution = modules.resolve_knowing(from, segments, Some(bound));
        if let Ok(mut map) = shard.lock() {
            // Buckets of one entry (collisions are rare), with no spare capacity anywhere.
            let bucket = map.entry(hash).or_insert_with(|| Vec::with_capacity(1));
            if known(bucket).is_none() {
                let mut kept = resolution.clone();
                if let Resolution::Defs(defs) = &mut kept {
                    defs.shrink_to_fit();
                }
                bucket.push((from, segments.join("::").into(), kept));
            }
        }
        resolution
    }
}

#[cfg(test)]
mod tests {
    use super::same_path;

    #[test]
    fn joined_paths_match_their_segments_only() {
        let path = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(same_path(
            "crate::db::save",
            &path(&["crate", "db", "save"])
        ));
        assert!(same_path("save", &path(&["save"])));
        assert!(!same_path("crate::db::save", &path(&["crate", "db"])));
        assert!(!same_path("crate::db", &path(&["crate", "db", "save"])));
        assert!(!same_path("crate::dbx", &path(&["crate", "db"])));
        assert!(!same_path("ab", &path(&["a", "b"])));
    }
}
