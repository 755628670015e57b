//! The frozen, workspace-wide index that lints query.

pub struct Index {}
