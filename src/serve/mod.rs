//! `wegweiser serve`: build the portal into memory, serve it on 127.0.0.1, watch the
//! sources, rebuild what a change touched and reload the browser.
//!
//! [`session`] keeps the site and decides what to rebuild; [`http`] serves it; this
//! module ties them to the file watcher. Nothing is written to disk.

pub mod http;
mod scope;
pub mod session;

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use serde::Serialize;

use crate::base::diagnostics::Diagnostic;
use crate::build::pipeline::BuildOptions;
use crate::output::report;
pub use session::{BuildHook, Outcome, Served, Session};

/// What to serve and where.
#[derive(Clone)]
pub struct ServeOptions {
    /// Root, municipalities, drafts; `base_url` is replaced by the server's address.
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// How long to wait for more events of one save before rebuilding.
    pub debounce: Duration,
    hook: Option<BuildHook>,
}

impl fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeOptions")
            .field("build", &self.build)
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("debounce", &self.debounce)
            .finish_non_exhaustive()
    }
}

impl ServeOptions {
    pub fn new(build: BuildOptions) -> Self {
        ServeOptions {
            build,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            debounce: Duration::from_millis(5),
            hook: None,
        }
    }

    /// Run `hook` at the start of every build of the session ([`Session::set_build_hook`]).
    #[doc(hidden)]
    pub fn with_build_hook(mut self, hook: BuildHook) -> Self {
        self.hook = Some(hook);
        self
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("port {port} on {bind} is in use")]
    PortInUse { bind: IpAddr, port: u16 },
    #[error("cannot listen on {bind}:{port}: {source}")]
    Listen {
        bind: IpAddr,
        port: u16,
        source: io::Error,
    },
    #[error("cannot watch {}: {message}", path.display())]
    Watch { path: PathBuf, message: String },
}

/// Told about every build: what changed (`None` for the first build) and what came
/// of it.
pub type OnBuild = Box<dyn Fn(Option<&[PathBuf]>, &Outcome) + Send + Sync>;

/// State shared by the connections and the rebuild thread. A panic while a lock is held
/// (none is expected: builds catch theirs) does not take the server down: the locks
/// are taken whether poisoned or not.
pub struct Shared {
    session: RwLock<Session>,
    stop: AtomicBool,
    /// Open event streams.
    subscribers: Mutex<Vec<Sender<String>>>,
}

impl Shared {
    fn session(&self) -> RwLockReadGuard<'_, Session> {
        self.session.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn session_mut(&self) -> RwLockWriteGuard<'_, Session> {
        self.session.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn subscribers(&self) -> MutexGuard<'_, Vec<Sender<String>>> {
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.subscribers().push(tx);
        rx
    }

    fn broadcast(&self, message: &str) {
        self.subscribers()
            .retain(|s| s.send(message.to_string()).is_ok());
    }

    /// The event that tells a new page how things are now.
    fn current_event(&self) -> String {
        let problems = self.session().problems();
        if problems.iter().any(Diagnostic::is_error) {
            problems_event(&problems)
        } else {
            "event: ok\ndata: {}\n\n".to_string()
        }
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    severity: &'static str,
    location: String,
    message: &'a str,
    /// As the terminal shows it, with the source excerpt.
    text: String,
}

fn problems_event(problems: &[Diagnostic]) -> String {
    let list: Vec<Problem<'_>> = problems
        .iter()
        .map(|d| Problem {
            severity: if d.is_error() { "error" } else { "warning" },
            location: d.location(),
            message: &d.message,
            text: report::human(d, false),
        })
        .collect();
    let json = serde_json::to_string(&list).expect("problems serialize");
    format!("event: problems\ndata: {json}\n\n")
}

/// A running preview server.
pub struct Server {
    address: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    rebuild: Option<JoinHandle<()>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("address", &self.address)
            .finish()
    }
}

impl Server {
    /// Listen, build, and start watching. The first build's outcome goes to
    /// `on_build` before this returns.
    pub fn start(options: ServeOptions, on_build: OnBuild) -> Result<Server, ServeError> {
        let ServeOptions {
            mut build,
            bind,
            port,
            debounce,
            hook,
        } = options;
        let listener = TcpListener::bind((bind, port)).map_err(|source| {
            if source.kind() == io::ErrorKind::AddrInUse {
                ServeError::PortInUse { bind, port }
            } else {
                ServeError::Listen { bind, port, source }
            }
        })?;
        let address =
            listener
                .local_addr()
                .map_err(|source| ServeError::Listen { bind, port, source })?;
        build.base_url = Some(format!("http://{}", browsable(address)));
        // Watched paths come back as the watcher spells them; the session compares
        // them with its root, so both use the canonical root (a relative or symlinked
        // root never matched, and no edit was picked up).
        if let Ok(root) = std::fs::canonicalize(&build.root) {
            build.root = root;
        }
        let root = build.root.clone();

        // Watch before building: a save during the first build is not lost.
        let (events_tx, events_rx) = mpsc::channel::<DebounceEventResult>();
        let mut watcher =
            new_debouncer(debounce, None, events_tx).map_err(|e| ServeError::Watch {
                path: root.clone(),
                message: e.to_string(),
            })?;
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| ServeError::Watch {
                path: root.clone(),
                message: e.to_string(),
            })?;
        let mut watched = Vec::new();
        for dir in WATCHED {
            let path = root.join(dir);
            if path.is_dir() {
                watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| ServeError::Watch {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                watched.push(path);
            }
        }

        let mut session = Session::new(build);
        session.set_build_hook(hook);
        let first = session.build();
        on_build(None, &first);
        let shared = Arc::new(Shared {
            session: RwLock::new(session),
            stop: AtomicBool::new(false),
            subscribers: Mutex::new(Vec::new()),
        });

        let accept = {
            let shared = shared.clone();
            std::thread::spawn(move || http::accept(listener, shared))
        };
        let rebuild = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                // The watcher lives as long as this thread.
                let mut watcher = watcher;
                loop {
                    let batch = match events_rx.recv_timeout(Duration::from_millis(200)) {
                        Ok(batch) => batch,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            if shared.stopped() {
                                return;
                            }
                            continue;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    };
                    if shared.stopped() {
                        return;
                    }
                    let mut paths = changed_paths(batch);
                    // More events may be waiting: one rebuild for all of them.
                    while let Ok(more) = events_rx.try_recv() {
                        paths.extend(changed_paths(more));
                    }
                    paths.sort();
                    paths.dedup();
                    // A watched folder that appeared (templates/, static/…).
                    for dir in WATCHED {
                        let path = root.join(dir);
                        if !watched.contains(&path)
                            && path.is_dir()
                            && watcher.watch(&path, RecursiveMode::Recursive).is_ok()
                        {
                            watched.push(path);
                        }
                    }
                    if paths.is_empty() {
                        continue;
                    }
                    let outcome = shared.session_mut().apply_pages(&paths);
                    match &outcome {
                        Outcome::Built { pages, .. } => shared
                            .broadcast(&format!("event: reload\ndata: {{\"pages\":{pages}}}\n\n")),
                        Outcome::Failed { problems } => shared.broadcast(&problems_event(problems)),
                        Outcome::Unchanged => continue,
                    }
                    on_build(Some(&paths), &outcome);
                    // The search bundles of an edited page's languages (of its whole
                    // municipality after a title or navigation change): indexed while the
                    // reloaded page is served (a read lock), then put in place.
                    let update = shared.session().index_search();
                    if let Some(update) = update {
                        let put = shared.session_mut().put_search(update);
                        match put {
                            Ok(()) => shared.broadcast("event: search\ndata: {}\n\n"),
                            Err(problems) => shared.broadcast(&problems_event(&problems)),
                        }
                    }
                }
            })
        };
        Ok(Server {
            address,
            shared,
            accept: Some(accept),
            rebuild: Some(rebuild),
        })
    }

    /// Where the site is served.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The URL to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/", browsable(self.address))
    }

    /// Run until the process ends (Ctrl-C).
    pub fn wait(mut self) {
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }

    /// Stop serving and watching.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread.
        let _ = TcpStream::connect(browsable(self.address));
        self.shared.subscribers().clear();
        for t in [self.accept.take(), self.rebuild.take()]
            .into_iter()
            .flatten()
        {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.accept.is_some() || self.rebuild.is_some() {
            self.shutdown();
        }
    }
}

/// The folders of a portal whose files make the site (besides wegweiser.toml).
const WATCHED: [&str; 4] = ["content", "static", "templates", "themes"];

/// The address as a browser on this machine reaches it: the loopback address when
/// listening on all addresses.
fn browsable(address: SocketAddr) -> SocketAddr {
    match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), address.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), address.port())
        }
        _ => address,
    }
}

/// The paths of a batch of debounced events (access events do not change anything).
fn changed_paths(batch: DebounceEventResult) -> Vec<PathBuf> {
    let Ok(events) = batch else {
        return Vec::new();
    };
    events
        .into_iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
        .flat_map(|e| e.event.paths)
        .collect()
}
