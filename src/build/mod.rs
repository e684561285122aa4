//! Layer 9, `build`: the pipeline of `wegweiser build` and `check`
//! ([`pipeline`]: load → resolve → render → write), shard builds and their merge, and
//! [`ops`], what the commands do besides printing. Imports every layer below it
//! (docs/architecture.md).

pub mod merge;
pub mod ops;
pub mod pipeline;
pub mod shard;
