//! `wegweiser check`: everything `build` does, without writing.

use std::process::ExitCode;

use crate::cli::common::CommonArgs;

pub fn run(common: CommonArgs) -> ExitCode {
    crate::cli::build::run_pipeline(&common, None, None, false, false)
}
