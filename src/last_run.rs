//! The CLI's record of its last run, in the on-disk cache beside the file summaries (`flow.pack`): the
//! files it read, each by the key of its path and text; the layout the manifests gave; and the flow's
//! evaluations. The run after an edit finds from it what changed, as a language server finds it in its
//! memory, and the flow takes the evaluations the edit cannot have changed, so its findings are a cold
//! run's. A record that does not read back whole, or was left by a run of other files, is not used;
//! runs sharing the directory each read a whole record (the last to finish leaves its own).

use crate::flow::FlowMemo;
use crate::parse::cache::{Bytes, DiskCache, Key, SidePack};
use crate::parse::{Edit, FileSummary, ParseOptions};
use crate::workspace::{FileId, Workspace};
use serde::{Deserialize, Serialize};
use std::ops::Range;

const PACK: &str = "flow.pack";

#[derive(Serialize)]
struct Written<'a> {
    files: &'a [(String, Key)],
    layout: u64,
    flow: Bytes<'a>,
}

#[derive(Deserialize)]
struct Read<'a> {
    files: Vec<(String, Key)>,
    layout: u64,
    #[serde(borrow)]
    flow: &'a [u8],
}

pub struct LastRun {
    pack: SidePack,
    /// This run's files with their keys (`None` when a file has no text to key), and layout.
    files: Option<Vec<(String, Key)>>,
    layout: u64,
    /// The record, with where its flow memo is in it and what changed since it was made; when it is of
    /// the same files in the same places, with the same layout.
    before: Option<(Vec<u8>, Range<usize>, Edit)>,
    /// Whether the record's flow memo read back whole.
    memo_read: bool,
}

impl LastRun {
    /// The record the last run left, compared with this run's files (their `summaries` made): must be
    /// called before `cache` is finished, as it reads the summaries the changed files had.
    pub fn open(
        cache: &DiskCache,
        workspace: &Workspace,
        options: &ParseOptions,
        summaries: &[FileSummary],
    ) -> LastRun {
        let keys = cache.keys(&workspace.files, options);
        let files: Option<Vec<(String, Key)>> = keys.map(|keys| {
            (workspace.files.iter())
                .map(|f| f.rel_path.clone())
                .zip(keys)
                .collect()
        });
        let layout = layout_key(workspace);
        let pack = cache.side_pack(PACK);
        let before = files.as_ref().and_then(|files| {
            let bytes = pack.read()?;
            let read: Read = postcard::from_bytes(&bytes).ok()?;
            let same_places = read.layout == layout
                && read.files.len() == files.len()
                && (read.files.iter().zip(files)).all(|((then, _), (now, _))| then == now);
            if !same_places {
                return None;
            }
            let unchanged: Vec<bool> = (read.files.iter().zip(files))
                .map(|((_, then), (_, now))| then == now)
                .collect();
            // The summaries the changed files had, from the summaries' pack (a file the record
            // names but the pack no longer holds leaves the record unused).
            let earlier: Vec<Option<FileSummary>> = (read.files.iter().enumerate())
                .map(|(i, (path, key))| match unchanged[i] {
                    true => None,
                    false => cache.earlier(key, FileId(i as u32), path),
                })
                .collect();
            let known = (earlier.iter().zip(&unchanged)).all(|(had, same)| *same || had.is_some());
            if !known {
                return None;
            }
            let before = |i: usize| earlier[i].as_ref();
            let edit = Edit::between(workspace, &unchanged, Some(&before), summaries);
            let at = read.flow.as_ptr() as usize - bytes.as_ptr() as usize;
            let flow = at..at + read.flow.len();
            Some((bytes, flow, edit))
        });
        LastRun {
            pack,
            files,
            layout,
            before,
            memo_read: false,
        }
    }

    /// What changed since the record was made, when the flow can take evaluations from it (only bodies
    /// and functions changed).
    pub fn edit(&self) -> Option<&Edit> {
        (self.before.as_ref())
            .map(|(_, _, edit)| edit)
            .filter(|edit| edit.changed_functions.is_some())
    }

    /// The record's flow memo, decoded (`None` if it does not read back).
    pub fn take_memo(&mut self) -> Option<FlowMemo> {
        self.edit()?;
        let (bytes, flow, _) = self.before.as_mut()?;
        let memo = FlowMemo::from_bytes(std::mem::take(bytes), flow.clone());
        self.memo_read = memo.is_some();
        memo
    }

    /// Whether this run can leave a record (every file has a key): it must keep its evaluations then.
    pub fn records(&self) -> bool {
        self.files.is_some()
    }

    /// Leaves this run's record, unless it is the one read (nothing changed since): `memo` the flow's,
    /// `read` the one `take_memo` gave.
    pub fn record(self, memo: &FlowMemo, read: Option<&FlowMemo>) {
        let unchanged = self.memo_read
            && (self.before.as_ref()).is_some_and(|(_, _, edit)| edit.changed.is_empty());
        let Some(files) = self.files.filter(|_| !unchanged) else {
            return;
        };
        let Some(flow) = memo.to_bytes(read) else {
            return;
        };
        let written = Written {
            files: &files,
            layout: self.layout,
            flow: Bytes(&flow),
        };
        if let Ok(bytes) = postcard::to_allocvec(&written) {
            self.pack.write(&bytes);
        }
    }
}

/// A hash of what the manifests say of the files (`Workspace::layout`).
fn layout_key(workspace: &Workspace) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    format!("{:?}", workspace.layout()).hash(&mut hasher);
    hasher.finish()
}
