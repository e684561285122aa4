// "Open now" on a place's page: a progressive enhancement. The page lists the opening
// hours without it; this script only fills in the line that says whether the place is
// open at this moment, in the municipality's time zone (data-tz), from the hours the
// page carries: data-hours "1=08:00-12:00,14:00-16:00;2=closed;…" (1 = Monday) and
// data-exceptions "2026-12-24=closed;2026-12-31=09:00-12:00". Weekdays not listed are
// closed. The page has the line only for places with opening hours.
(function () {
  "use strict";
  var el = document.querySelector("[data-open-now]");
  if (!el || typeof Intl === "undefined") {
    return;
  }
  function table(text) {
    var out = {};
    (text || "").split(";").forEach(function (entry) {
      var i = entry.indexOf("=");
      if (i > 0) {
        out[entry.slice(0, i)] = entry.slice(i + 1);
      }
    });
    return out;
  }
  function minutes(hhmm) {
    var p = hhmm.split(":");
    return parseInt(p[0], 10) * 60 + parseInt(p[1], 10);
  }
  var parts = {};
  try {
    new Intl.DateTimeFormat("en-GB", {
      timeZone: el.getAttribute("data-tz") || undefined,
      year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short"
    }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
  } catch (e) {
    return;
  }
  var days = { Mon: "1", Tue: "2", Wed: "3", Thu: "4", Fri: "5", Sat: "6", Sun: "7" };
  var date = parts.year + "-" + parts.month + "-" + parts.day;
  var now = (parseInt(parts.hour, 10) % 24) * 60 + parseInt(parts.minute, 10);
  var exceptions = table(el.getAttribute("data-exceptions"));
  // A weekday the opening hours do not list is a day the place is closed, as opening
  // hours are read ("Mo 9-13, Mi 14-18": closed on the other days).
  var today = exceptions[date] !== undefined
    ? exceptions[date]
    : table(el.getAttribute("data-hours"))[days[parts.weekday]] || "closed";
  var text;
  if (today === "appointment_only") {
    text = el.getAttribute("data-appointment");
  } else {
    var open = today !== "closed" && today.split(",").some(function (slot) {
      var s = slot.split("-");
      return minutes(s[0]) <= now && now < minutes(s[1]);
    });
    text = el.getAttribute(open ? "data-open" : "data-closed");
    el.className += open ? " is-open" : " is-closed";
  }
  el.textContent = text;
  el.hidden = false;
})();
