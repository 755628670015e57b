//! Paths already resolved, by the module they are written in: the flow analysis resolves the same few
//! thousand paths (`Self::new`, `Customer`, `crate::db::save`) hundreds of thousands of times, and a
//! resolution walks imports and globs. Filled once the module tree is complete, shared by the threads.

use super::modules::{ModuleId, ModuleTree, Resolution};
use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// Independent locks, so two threads rarely wait for each other.
const SHARDS: usize = 16;

type Bucket = Vec<(ModuleId, Box<[String]>, Resolution)>;

#[derive(Debug, Default)]
pub struct ResolutionMemo {
    shards: [Mutex<HashMap<u64, Bucket>>; SHARDS],
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
                .find(|(module, path, _)| *module == from && **path == *segments)
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
        let resolution = modules.resolve(from, segments);
        if let Ok(mut map) = shard.lock() {
            let bucket = map.entry(hash).or_default();
            if known(bucket).is_none() {
                bucket.push((from, segments.into(), resolution.clone()));
            }
        }
        resolution
    }
}
