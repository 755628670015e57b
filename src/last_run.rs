//! The CLI's record of its last run, in the on-disk cache beside the file summaries (`flow.pack`): the
//! files it read, each by the key of its path and text; the layout the manifests gave; and the flow's
//! evaluations (`flow::FlowMemo::store`, their blobs in `flow-blobs.*`). The run after an edit finds from
//! it what changed, as a language server finds it in its memory, and the flow takes the evaluations the
//! edit cannot have changed, so its findings are a cold run's. A record that does not read back whole, or was left by a run of other files, is not used;
//! runs sharing the directory each read a whole record (the last to finish leaves its own).

use crate::flow::FlowMemo;
use crate::parse::cache::{Bytes, DiskCache, Key, KeyedPack, SidePack};
use crate::parse::{Edit, FileSummary, ParseOptions};
use crate::workspace::{FileId, Workspace};
use serde::{Deserialize, Serialize};

const PACK: &str = "flow.pack";
const BLOBS: &str = "flow-blobs";

#[derive(Serialize)]
struct Written<'a> {
    files: &'a [(String, Key)],
    layout: u64,
    /// What the index resolved from the items (`index::IndexMemo::resolutions`), empty if nothing.
    resolutions: Bytes<'a>,
    flow: Bytes<'a>,
}

#[derive(Deserialize)]
struct Read<'a> {
    files: Vec<(String, Key)>,
    layout: u64,
    #[serde(borrow)]
    resolutions: &'a [u8],
    #[serde(borrow)]
    flow: &'a [u8],
}

pub struct LastRun {
    pack: SidePack,
    blobs: KeyedPack,
    /// This run's files with their keys (`None` when a file has no text to key), and layout.
    files: Option<Vec<(String, Key)>>,
    layout: u64,
    /// What changed since the record was made, when it is of the same files in the same places, with
    /// the same layout.
    edit: Option<Edit>,
    /// What the record's index resolved, when the flow can take from it.
    resolutions: Option<Vec<u8>>,
    /// The record's flow memo, being decoded (while the index is built) when the flow can take from it.
    decoding: Option<std::thread::JoinHandle<Option<FlowMemo>>>,
    /// Whether the record's flow memo read back whole.
    memo_read: bool,
}

impl LastRun {
    /// The record the last run left, compared with this run's files (their `summaries` made): must be
    /// called before `cache` is finished, as it reads the summaries the changed files had. A cache no
    /// run has filled yet (a first run, a CI job's fresh target directory) gets no record: keeping and
    /// writing the evaluations would cost such a run 15 % more time and 95 MB more memory on hyperswitch,
    /// for a next run that may not come.
    pub fn open(
        cache: &DiskCache,
        workspace: &Workspace,
        options: &ParseOptions,
        summaries: &[FileSummary],
    ) -> LastRun {
        let keys = (cache.was_filled())
            .then(|| cache.keys(&workspace.files, options))
            .flatten();
        let files: Option<Vec<(String, Key)>> = keys.map(|keys| {
            (workspace.files.iter())
                .map(|f| f.rel_path.clone())
                .zip(keys)
                .collect()
        });
        let layout = layout_key(workspace);
        let pack = cache.side_pack(PACK);
        let mut decoding = None;
        let mut resolutions = None;
        let edit = files.as_ref().and_then(|files| {
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
            if edit.changed_functions.is_some() {
                resolutions = Some(read.resolutions.to_vec());
                let at = read.flow.as_ptr() as usize - bytes.as_ptr() as usize;
                let flow = at..at + read.flow.len();
                let blobs = cache.keyed_pack(BLOBS);
                decoding = Some(std::thread::spawn(move || {
                    FlowMemo::load(&bytes[flow], &blobs)
                }));
            }
            Some(edit)
        });
        LastRun {
            pack,
            blobs: cache.keyed_pack(BLOBS),
            files,
            layout,
            edit,
            resolutions,
            decoding,
            memo_read: false,
        }
    }

    /// What changed since the record was made, when the flow can take evaluations from it (only bodies
    /// and functions changed).
    pub fn edit(&self) -> Option<&Edit> {
        (self.edit.as_ref()).filter(|edit| edit.changed_functions.is_some())
    }

    /// What the record's index resolved, when the flow can take from the record.
    pub fn resolutions(&self) -> Option<&[u8]> {
        self.resolutions
            .as_deref()
            .filter(|bytes| !bytes.is_empty())
    }

    /// The record's flow memo, decoded (`None` if it does not read back).
    pub fn take_memo(&mut self) -> Option<FlowMemo> {
        let memo = self.decoding.take()?.join().ok().flatten();
        self.memo_read = memo.is_some();
        memo
    }

    /// Whether this run can leave a record (every file has a key): it must keep its evaluations then.
    pub fn records(&self) -> bool {
        self.files.is_some()
    }

    /// Leaves this run's record, unless it is the one read (nothing changed since): `memo` the flow's,
    /// `read` the one `take_memo` gave, `resolutions` what the index resolved.
    pub fn record(self, memo: &FlowMemo, read: Option<&FlowMemo>, resolutions: Option<Vec<u8>>) {
        let unchanged =
            self.memo_read && (self.edit.as_ref()).is_some_and(|edit| edit.changed.is_empty());
        let Some(files) = self.files.filter(|_| !unchanged) else {
            return;
        };
        let Some(flow) = memo.store(read, &self.blobs) else {
            return;
        };
        let written = Written {
            files: &files,
            layout: self.layout,
            resolutions: Bytes(resolutions.as_deref().unwrap_or_default()),
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
