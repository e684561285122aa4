//! `wegweiser check`: everything `build` does, without writing.

use std::process::ExitCode;

use crate::cli::common::CommonArgs;
use crate::cli::stdout;

pub fn run(common: CommonArgs) -> stdout::Result<ExitCode> {
    crate::cli::build::run_pipeline(&common, None, None, false, false)
}
