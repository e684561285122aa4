//! The build layer (docs/architecture.md).

pub mod merge;
pub mod ops;
pub mod pipeline;
pub mod shard;
