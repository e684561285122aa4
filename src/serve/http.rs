//! A small HTTP/1.1 server for the preview: GET and HEAD of the site in memory, the
//! live-reload script and its event stream. One thread per connection; every
//! response closes its connection (browsers on 127.0.0.1 do not notice).
//!
//! Only files of the built site are served: a request path is percent-decoded once,
//! and any `.`/`..` segment, backslash or NUL is refused before it is looked up in the
//! site's file list; the files copied from disk are served only from inside the
//! portal root.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::percent_decode_str;

use super::Shared;
use super::session::Served;

/// Where the live-reload script is served.
pub const LIVE_SCRIPT: &str = "/__wegweiser/live.js";
/// The server-sent events the script listens to.
pub const EVENTS: &str = "/__wegweiser/events";

const SCRIPT: &str = include_str!("live.js");
/// The longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// Accept connections until the server stops.
pub fn accept(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopped() {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        std::thread::spawn(move || {
            // A client that goes away is no problem of the server's.
            let _ = handle(stream, &shared);
        });
    }
}

/// A parsed request line.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path as sent (without query).
    pub path: String,
    pub query: Option<String>,
}

/// What a request path names in the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file below the site root (`/`-separated, no leading `/`).
    File(String),
    /// A folder asked for without its final `/`: redirect there.
    Folder(String),
    /// Not a path the site can have (`..`, NUL, bad encoding): 400.
    Bad,
}

fn handle(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let Some(request) = read_request(&mut stream)? else {
        // The method is not known: the body goes with it (its Content-Length was sent).
        return respond(
            &mut stream,
            "400 Bad Request",
            "text/plain",
            b"bad request",
            false,
        );
    };
    let head = request.method == "HEAD";
    if request.method != "GET" && !head {
        let message = b"only GET and HEAD";
        let mut out = response_head("405 Method Not Allowed", "text/plain", message.len());
        out.push_str("Allow: GET, HEAD\r\n\r\n");
        stream.write_all(out.as_bytes())?;
        return stream.write_all(message);
    }
    match request.path.as_str() {
        LIVE_SCRIPT => {
            return respond(
                &mut stream,
                "200 OK",
                "text/javascript; charset=utf-8",
                SCRIPT.as_bytes(),
                head,
            );
        }
        EVENTS => return events(stream, shared),
        _ => {}
    }
    let session = shared.session();
    if !session.has_site() {
        let page = with_live_script(&not_built(&session.problems()));
        drop(session);
        return respond(
            &mut stream,
            "503 Service Unavailable",
            "text/html; charset=utf-8",
            &page,
            head,
        );
    }
    let name = match target(&request.path, |rel| session.file(rel).is_some()) {
        Target::Bad => {
            return respond(
                &mut stream,
                "400 Bad Request",
                "text/plain",
                b"bad path",
                head,
            );
        }
        Target::Folder(to) => {
            let location = match &request.query {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            let mut out = response_head("301 Moved Permanently", "text/plain", 0);
            out.push_str(&format!("Location: {location}\r\n\r\n"));
            return stream.write_all(out.as_bytes());
        }
        Target::File(name) => name,
    };
    let (status, name) = match session.file(&name) {
        Some(_) => ("200 OK", name),
        None => ("404 Not Found", "404.html".to_string()),
    };
    let body = session
        .file(&name)
        .and_then(|file| readable(file, session.root()));
    drop(session);
    let Some(body) = body else {
        return respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found",
            head,
        );
    };
    let kind = content_type(&name);
    if kind.starts_with("text/html") {
        let body = with_live_script(&body);
        respond(&mut stream, status, kind, &body, head)
    } else {
        respond(&mut stream, status, kind, &body, head)
    }
}

/// The bytes of a site file; files copied from disk only from inside the portal.
fn readable(file: &Served, root: &Path) -> Option<Arc<[u8]>> {
    if let Served::File(path) = file {
        let real = path.canonicalize().ok()?;
        let root = root.canonicalize().ok()?;
        if !real.starts_with(root) {
            return None;
        }
    }
    file.read().ok()
}

/// Read the request line and headers (which are not needed). `None`: not a request
/// this server answers (400), such as one with bytes that are not UTF-8 in its head.
fn read_request(stream: &mut TcpStream) -> io::Result<Option<Request>> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD as u64));
    let mut line = Vec::new();
    if reader.read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    // The headers, up to the empty line: read whole (as bytes) before answering.
    let mut readable = true;
    loop {
        let mut header = Vec::new();
        if reader.read_until(b'\n', &mut header)? == 0 {
            return Ok(None);
        }
        if header == b"\r\n" || header == b"\n" {
            break;
        }
        readable &= std::str::from_utf8(&header).is_ok();
    }
    Ok(std::str::from_utf8(&line)
        .ok()
        .filter(|_| readable)
        .and_then(parse_request_line))
}

/// `GET /path?query HTTP/1.1`
pub fn parse_request_line(line: &str) -> Option<Request> {
    let mut parts = line.trim_end().split(' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some() || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    let target = target.split('#').next().unwrap_or(target);
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (target, None),
    };
    Some(Request {
        method,
        path: path.to_string(),
        query,
    })
}

/// Map a request path to a site file. `exists` says whether the site has a file.
pub fn target(path: &str, exists: impl Fn(&str) -> bool) -> Target {
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Target::Bad;
    };
    if decoded.contains(['\\', '\0']) || path.contains(char::is_control) {
        return Target::Bad;
    }
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Target::Bad;
    }
    let rel = segments.join("/");
    if rel.is_empty() {
        return Target::File("index.html".into());
    }
    if decoded.ends_with('/') {
        return Target::File(format!("{rel}/index.html"));
    }
    if !exists(&rel) && exists(&format!("{rel}/index.html")) {
        // The path as it was sent (encoded), plus the slash, with one `/` between
        // segments: `//musterstadt` would send the browser to the host `musterstadt`.
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        return Target::Folder(format!("/{}/", segments.join("/")));
    }
    Target::File(rel)
}

/// The content type of a site file, by its extension.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "vtt" => "text/vtt; charset=utf-8",
        "mp3" => "audio/mpeg",
        "geojson" => "application/geo+json",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

/// The page with the live-reload script before `</body>` (or at its end).
pub fn with_live_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_SCRIPT}\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn response_head(status: &str, kind: &str, length: usize) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {length}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n"
    )
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let mut out = response_head(status, kind, body.len()).into_bytes();
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

/// The event stream: the current problems at once, then one event per rebuild, and a
/// comment now and then so that a closed tab is noticed.
fn events(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let receiver = shared.subscribe();
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          Connection: close\r\n\r\nretry: 500\n\n",
    )?;
    let current = shared.current_event();
    stream.write_all(current.as_bytes())?;
    stream.flush()?;
    loop {
        if shared.stopped() {
            return Ok(());
        }
        let message = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": still here\n\n".to_string(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        };
        stream.write_all(message.as_bytes())?;
        stream.flush()?;
    }
}

/// What is served before the first good build: the problems, and the script that
/// reloads when they are fixed.
fn not_built(problems: &[crate::base::diagnostics::Diagnostic]) -> Vec<u8> {
    let mut list = String::new();
    for d in problems {
        list.push_str("<li><pre>");
        list.push_str(&crate::base::xml::escape_text(
            &crate::output::report::human(d, false),
        ));
        list.push_str("</pre></li>");
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>The site does not build</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body><main><h1>The site does not build yet</h1><ol>{list}</ol>\
         <p>Fix the files named above: this page reloads by itself.</p></main></body></html>"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(rel: &str) -> bool {
        matches!(
            rel,
            "index.html" | "musterstadt/index.html" | "musterstadt/de/index.html" | "a b.css"
        )
    }

    #[test]
    fn paths_map_to_files_and_folders() {
        assert_eq!(target("/", site), Target::File("index.html".into()));
        assert_eq!(
            target("/musterstadt/de/", site),
            Target::File("musterstadt/de/index.html".into())
        );
        assert_eq!(
            target("/musterstadt", site),
            Target::Folder("/musterstadt/".into())
        );
        assert_eq!(target("/a%20b.css", site), Target::File("a b.css".into()));
        assert_eq!(target("/missing", site), Target::File("missing".into()));
        assert_eq!(
            target("//index.html", site),
            Target::File("index.html".into())
        );
    }

    #[test]
    fn a_folder_redirect_stays_on_this_host() {
        for (path, to) in [
            ("//musterstadt", "/musterstadt/"),
            ("///musterstadt", "/musterstadt/"),
            ("/musterstadt//de", "/musterstadt/de/"),
            ("//musterstadt//de", "/musterstadt/de/"),
        ] {
            assert_eq!(target(path, site), Target::Folder(to.into()), "{path}");
        }
        for bad in [
            "/\\musterstadt",
            "/%5cmusterstadt",
            "/%5Cmusterstadt",
            "/a\rb",
        ] {
            assert_eq!(target(bad, site), Target::Bad, "{bad}");
        }
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/musterstadt/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/musterstadt/%2e%2e%2f%2e%2e%2fCargo.toml",
            "/..%5c..%5cwindows",
            "/a%00b",
            "/%ff%fe",
            "/./index.html",
        ] {
            assert_eq!(target(bad, site), Target::Bad, "{bad}");
        }
    }

    #[test]
    fn request_lines_parse() {
        assert_eq!(
            parse_request_line("GET /a/b?x=1 HTTP/1.1\r\n"),
            Some(Request {
                method: "GET".into(),
                path: "/a/b".into(),
                query: Some("x=1".into())
            })
        );
        assert_eq!(parse_request_line("GET http://evil/ HTTP/1.1\r\n"), None);
        assert_eq!(parse_request_line("GET /a HTTP/2\r\n"), None);
        assert_eq!(parse_request_line("GET\r\n"), None);
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = with_live_script(b"<html><body><p>x</p></body></html>");
        assert_eq!(
            String::from_utf8(page).unwrap(),
            "<html><body><p>x</p><script src=\"/__wegweiser/live.js\"></script></body></html>"
        );
        let bare = with_live_script(b"<p>x");
        assert!(bare.ends_with(b"</script>"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("wegweiser.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("feed.atom"), "application/atom+xml");
        assert_eq!(content_type("x.WOFF2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
