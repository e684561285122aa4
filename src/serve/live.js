// wegweiser serve: reload when the site was rebuilt; show what is wrong when it does
// not build. Added to pages by `wegweiser serve` only, never to `wegweiser build`.
(() => {
  "use strict";
  // Tells the theme's scripts that this is a preview: offline.js registers no caching
  // service worker (docs/offline.md). Runs before their deferred code.
  document.documentElement.setAttribute("data-wegweiser-preview", "");
  const events = new EventSource("/__wegweiser/events");
  let overlay = null;

  events.addEventListener("reload", () => location.reload());
  events.addEventListener("ok", hide);
  events.addEventListener("problems", (event) => show(JSON.parse(event.data)));

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function element(name, style, text) {
    const e = document.createElement(name);
    Object.assign(e.style, style);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function show(problems) {
    hide();
    const errors = problems.filter((p) => p.severity === "error").length;
    overlay = element("div", {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20, 20, 20, 0.92)", color: "#fff", padding: "1.5rem",
      font: "15px/1.5 system-ui, sans-serif", direction: "ltr", textAlign: "left",
    });
    overlay.id = "wegweiser-problems";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", "wegweiser-problems-title");
    overlay.lang = "en";
    const title = element("h2", { margin: "0 0 1rem", fontSize: "1.3rem", color: "#ffb4a8" },
      `The site does not build: ${errors} ${errors === 1 ? "error" : "errors"}. ` +
      "You see the last good version below; fixing the file updates this page.");
    title.id = "wegweiser-problems-title";
    overlay.append(title);
    for (const p of problems) {
      const item = element("section", {
        margin: "0 0 1rem", padding: "0.75rem 1rem", background: "#1e1e1e",
        borderInlineStart: `4px solid ${p.severity === "error" ? "#ff6b57" : "#ffcc4d"}`,
      });
      item.className = "wegweiser-problem";
      item.append(element("p", { margin: "0 0 0.5rem", fontWeight: "bold" },
        `${p.severity}: ${p.location}: ${p.message}`));
      item.append(element("pre", {
        margin: "0", whiteSpace: "pre-wrap", font: "13px/1.4 ui-monospace, monospace",
      }, p.text));
      overlay.append(item);
    }
    const close = element("button", {
      font: "inherit", padding: "0.4rem 1rem", cursor: "pointer",
    }, "Hide until the next change");
    close.type = "button";
    close.addEventListener("click", hide);
    overlay.append(close);
    document.body.append(overlay);
    close.focus();
  }
})();
