//! The dataset on disk: the output directory (opened once, locked, the one way files are
//! created, renamed and removed), the names the tool writes and the rule for every path a
//! manifest lists, the manifest, shards, and `verify`. The sinks write through it; it
//! knows nothing of encoding.

pub(crate) mod dir;
pub(crate) mod lock;
pub(crate) mod manifest;
pub(crate) mod names;
pub(crate) mod shard;
pub(crate) mod verify;
