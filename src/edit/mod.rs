//! Layer 10, `edit`: commands that change content: [`stamp`] and [`confirm`] write
//! front matter, [`xliff`] exports and imports translations ([`import`] checks an import
//! in a staging copy first), [`remind`] writes reminders, [`init`] starts a portal.
//! Imports every layer below it (docs/architecture.md).

pub mod confirm;
pub mod import;
pub mod init;
pub mod remind;
pub mod stamp;
pub mod xliff;
