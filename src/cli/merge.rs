//! `wegweiser merge`: join the outputs of `build --shard I/N` into one site.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::common::{print_problems, root_or_print};

#[derive(Args)]
pub struct MergeArgs {
    /// The output folders of the shard builds.
    #[arg(required = true, value_name = "SHARD_DIR")]
    shards: Vec<PathBuf>,
    /// Where the site goes (replaced as a whole, like `build --out`).
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Portal root (for its theme); default: the nearest folder upward holding
    /// wegweiser.toml.
    #[arg(long, value_name = "ROOT")]
    root: Option<PathBuf>,
    /// Print only problems.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: MergeArgs) -> ExitCode {
    let MergeArgs {
        mut shards,
        out,
        root,
        quiet,
    } = args;
    let out = match out {
        Some(out) => out,
        // The old spelling, `merge OUT SHARD_DIR…`, for one more release.
        None if shards.len() > 1 => {
            let out = shards.remove(0);
            eprintln!(
                "warning: `wegweiser merge OUT SHARD_DIR…` is deprecated and will be removed: write `wegweiser merge --out {} SHARD_DIR…`",
                out.display()
            );
            out
        }
        None => {
            eprintln!("error: name the folder to write the site to with --out DIR");
            return ExitCode::from(2);
        }
    };
    let Some(root) = root_or_print(root.as_deref()) else {
        return ExitCode::FAILURE;
    };
    match wegweiser::build::merge::merge(&root, &out, &shards) {
        Ok(report) => {
            if !quiet {
                eprintln!(
                    "Merged {} shard(s), {} municipalities, {} files → {}/",
                    report.shards,
                    report.municipalities,
                    report.files,
                    report.output.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            print_problems(&problems);
            eprintln!(
                "Merge failed: {} error(s); {} is unchanged",
                problems.len(),
                out.display()
            );
            ExitCode::FAILURE
        }
    }
}
