//! The edit layer (docs/architecture.md).

pub mod confirm;
pub mod import;
pub mod init;
pub mod remind;
pub mod stamp;
pub mod xliff;
