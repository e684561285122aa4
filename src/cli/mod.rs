//! The commands of the `wegweiser` binary, one file each: its arguments (clap) and its
//! `run`, which calls the library and prints. What the commands share is in [`common`];
//! what they print on stdout goes through [`stdout`].

pub mod build;
pub mod check;
pub mod common;
pub mod confirm;
pub mod export;
pub mod import;
pub mod init;
pub mod languages;
pub mod merge;
pub mod remind;
pub mod review;
pub mod serve;
pub mod stamp;
pub mod stdout;
pub mod translations;
