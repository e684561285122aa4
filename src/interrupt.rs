//! Ending on a signal (issue 15): after Ctrl-C (SIGINT), SIGTERM (a CI job cancelled, a
//! container stopped) or SIGHUP, wegweiser removes the staging folder of the build in
//! progress, lets a swap in progress finish (the old or the new site stays, never half
//! of each), and exits with the conventional code 128 + signal (130 after Ctrl-C).
//! Without this, a 135 MB `.public.wegweiser-staging-<pid>` folder stayed beside the
//! output after every interrupted build.

/// Install the handler (once, in `main`).
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    crate::write::interrupt();
                    std::process::exit(128 + signal);
                }
            });
    }
}
