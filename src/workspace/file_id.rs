//! `FileId`, and how it is written: plainly, or relative to one file (that file as 0, any other as its
//! id + 1) while `relative_to` runs, so what was made of a file can be stored once and read back for it
//! wherever it then is in the file list (the lowered bodies and the on-disk cache).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

thread_local! {
    static RELATIVE_TO: Cell<Option<u32>> = const { Cell::new(None) };
}

/// Runs `work` (a serialisation or deserialisation on this thread) with file ids relative to `file`.
pub fn relative_to<T>(file: FileId, work: impl FnOnce() -> T) -> T {
    /// Puts the outer scope back however `work` ends.
    struct Restore(Option<u32>);
    impl Drop for Restore {
        fn drop(&mut self) {
            RELATIVE_TO.set(self.0);
        }
    }
    let _outer = Restore(RELATIVE_TO.replace(Some(file.0)));
    work()
}

impl Serialize for FileId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let written = match RELATIVE_TO.get() {
            Some(base) if base == self.0 => 0,
            Some(_) => self.0 + 1,
            None => self.0,
        };
        written.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FileId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let written = u32::deserialize(deserializer)?;
        Ok(FileId(match RELATIVE_TO.get() {
            Some(base) if written == 0 => base,
            Some(_) => written - 1,
            None => written,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_written_relative_to_a_file_read_back_for_its_new_place() {
        let spans = vec![FileId(7), FileId(7), FileId(3)];
        let bytes = relative_to(FileId(7), || postcard::to_allocvec(&spans)).expect("encode");
        let moved: Vec<FileId> =
            relative_to(FileId(9), || postcard::from_bytes(&bytes)).expect("decode");
        assert_eq!(moved, vec![FileId(9), FileId(9), FileId(3)]);
        let plain: Vec<FileId> =
            postcard::from_bytes(&postcard::to_allocvec(&spans).expect("encode")).expect("decode");
        assert_eq!(plain, spans);
    }
}
