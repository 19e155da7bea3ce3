/* Idle logout in the browser (HIPAA automatic logoff): when no key, click, touch or pointer input has come
   for the idle timeout, the page sends itself to the sign-in page, so patient data does not stay on an
   unattended screen. The server signs the session out on its side (accounts/idle.py); this only makes the
   screen follow without waiting for the next click.

   Read from the <script> element's data- attributes (frontdesk/base.html, admin/base_site.html):
   data-idle-seconds (the timeout), data-login-url (where to go; ?next= brings the person back) and
   data-keepalive-url (answers 204 while the session lasts, and tells the server of input it would not
   otherwise see, e.g. typing into a long form). Input in any tab of this site counts for all of them. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) { return; }
  var timeout = Number(script.dataset.idleSeconds) * 1000;
  var loginUrl = script.dataset.loginUrl;
  var keepaliveUrl = script.dataset.keepaliveUrl;
  if (!(timeout > 0) || !loginUrl) { return; }

  // A second past the server's own limit: the sign-in page then finds the session over and says why.
  var GRACE = 1000;
  // Input tells the server at most this often; the server's clock then trails the person's by no more.
  var PING_EVERY = Math.min(60000, timeout / 4);
  var SHARED = "clinic.idle.lastInput";

  var lastInput = Date.now();
  var lastServer = lastInput;
  var timer = null;
  var gone = false;

  function sharedInput() {
    try { return Number(window.localStorage.getItem(SHARED)) || 0; } catch (e) { return 0; }
  }

  function share(at) {
    try { window.localStorage.setItem(SHARED, String(at)); } catch (e) { /* private mode: this tab alone */ }
  }

  function leave() {
    if (gone) { return; }
    gone = true;
    var here = window.location.pathname + window.location.search;
    window.location.assign(loginUrl + (loginUrl.indexOf("?") < 0 ? "?" : "&") + "next=" + encodeURIComponent(here));
  }

  function idleFor() {
    return Date.now() - Math.max(lastInput, sharedInput());
  }

  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(timeout + GRACE - idleFor(), 250));
  }

  function check() {
    if (idleFor() >= timeout + GRACE) { leave(); } else { arm(); }
  }

  function ping() {
    lastServer = Date.now();
    if (!keepaliveUrl || !window.fetch) { return; }
    window.fetch(keepaliveUrl, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { if (response.status === 401 || response.status === 403) { leave(); } })
      .catch(function () { /* offline: the server decides at the next request */ });
  }

  function input() {
    var now = Date.now();
    if (now - lastInput < 1000) { return; }  // pointer moves come many a second: once a second is enough
    lastInput = now;
    share(now);
    if (now - lastServer >= PING_EVERY) { ping(); }
    arm();
  }

  ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, input, { capture: true, passive: true });
  });
  // Any request this page makes (htmx) is activity the server has seen.
  document.addEventListener("htmx:afterRequest", function () { lastServer = Date.now(); });
  // Timers of hidden tabs run late: look again as soon as the page is seen.
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { check(); } });
  window.addEventListener("pageshow", check);
  share(Math.max(lastInput, sharedInput()));
  arm();
}());
