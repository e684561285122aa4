//! Ending on a signal (issue 15): after Ctrl-C (SIGINT), SIGTERM (a CI job cancelled, a
//! container stopped) or SIGHUP, wegweiser removes the staging folder of the build in
//! progress, lets a swap in progress finish (the old or the new site stays, never half
//! of each), and exits with the conventional code 128 + signal (130 after Ctrl-C).
//! Without this, a 135 MB `.public.wegweiser-staging-<pid>` folder stayed beside the
//! output after every interrupted build.
//!
//! A signal the process was started with ignored (`nohup` ignores SIGHUP, a shell
//! without job control SIGINT for `&` commands) stays ignored.

/// Install the handler (once, in `main`).
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
            .into_iter()
            .filter(|&s| !ignored(s))
            .collect();
        let Ok(mut signals) = signal_hook::iterator::Signals::new(wanted) else {
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

/// Whether `signal` is ignored (as the process was started).
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    // SAFETY: a null new action only reads the current one into `old`.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}
