/* The booking page's session rows (frontdesk/partials/series.html): when an edited session is checked, and
   the row the person works in left as it is.

   A date field changes its value with each digit typed, and a time list with each key that moves it: checking
   every one of those values answered half-typed dates and redrew the row under the person's hands. So a row is
   checked (the `check-row` event, which htmx on #series turns into a GET of book/check/) only once its value
   is complete:
   - a date: when the person leaves the field or presses Enter, if it changed; a date picked in the calendar
     (no key pressed) at once;
   - a time: when the keys pause (typing "14" passes 10:00 on the way), on Enter or on leaving the list; a time
     picked with the mouse at once.
   Enter in these fields checks the row; it never submits the booking form (that is the Book button's job).
   The browser's calendar icon, a tab stop in every date field, is hidden (frontdesk.css); a button outside the
   tab order opens the same calendar for the mouse.
   A changed row's chair and nurse are emptied, so that the check chooses them for its new time.

   The check's answer is swapped in piece by piece (hx-swap-oob) and never replaces the date and time controls;
   a piece whose content did not change is kept as it is, so the live region beside each row speaks only of
   the rows whose answer changed.

   "Change" on a row opens the slot grid for that row in #change-grid (below the form: htmx fetches it with the
   rows as they stand). A time chosen there goes into the row's date and time controls, the row is checked as if
   typed, the grid closes and the focus goes back to where it was opened from; Close and Escape close it too.
   Like the calendar button, Change is for the mouse and outside the tab order (a tab stop per row would cost
   the keyboard six presses to book); from the keyboard, Ctrl+Enter in a row's date or time opens the grid. */
(function () {
  "use strict";

  var form = document.getElementById("book-form");
  if (!form) { return; }

  // A time list's keys: a pause this long ends the typing (Chromium's type-ahead itself lasts a second).
  var SETTLE_MS = 400;
  // A change this soon after a key press in the same field came from that key, not from the calendar or mouse.
  var KEY_GAP_MS = 100;
  var CONTROLS = "#series input[name='day'], #series select[name='time']";

  var lastKey = { control: null, at: 0 };
  var dirty = new Set();
  var waiting = null; // { control, timer }: a time list's check, waiting for the keys to pause

  function isControl(node) {
    return node instanceof Element && node.matches(CONTROLS);
  }

  function check(control) {
    if (waiting && waiting.control === control) {
      clearTimeout(waiting.timer);
      waiting = null;
    }
    dirty.delete(control);
    control.dispatchEvent(new CustomEvent("check-row", { bubbles: true }));
  }

  function forgetPlacement(control) {
    var row = control.closest("tr");
    if (!row) { return; }
    row.querySelectorAll("input[name='chair'], input[name='nurse']").forEach(function (input) { input.value = ""; });
  }

  form.addEventListener("keydown", function (event) {
    if (!isControl(event.target)) { return; }
    lastKey = { control: event.target, at: Date.now() };
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      // Ctrl+Enter: the row's free times (the Change button's grid), from the keyboard.
      event.preventDefault();
      openGrid(event.target);
    } else if (event.key === "Enter") {
      event.preventDefault();
      check(event.target);
    }
  });

  form.addEventListener("change", function (event) {
    var control = event.target;
    if (!isControl(control)) { return; }
    forgetPlacement(control);
    dirty.add(control);
    var typed = lastKey.control === control && Date.now() - lastKey.at < KEY_GAP_MS;
    if (!typed) {
      check(control);
    } else if (control.tagName === "SELECT") {
      if (waiting) { clearTimeout(waiting.timer); }
      waiting = { control: control, timer: setTimeout(function () { waiting = null; check(control); }, SETTLE_MS) };
    }
  });

  // The calendar button (for the mouse; keyboards type the date): the browser's own picker for that field.
  form.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-picker]") : null;
    var field = button ? document.getElementById(button.dataset.picker) : null;
    if (!field) { return; }
    field.focus();
    try { field.showPicker(); } catch (error) { /* no picker in this browser: the field takes typing */ }
  });

  form.addEventListener("focusout", function (event) {
    if (isControl(event.target) && dirty.has(event.target)) { check(event.target); }
  });

  // The slot grid of "Change" (frontdesk/partials/slot_grid.html, with data-pick-row and data-pick-day/-time).
  var gridHolder = document.getElementById("change-grid");

  // Where the focus goes back to when the grid closes: the control Ctrl+Enter was pressed in, or Change.
  var opener = null;

  function openGrid(control) {
    var row = control.closest("tr");
    var button = row ? document.getElementById("change-" + row.dataset.row) : null;
    if (!button) { return; }
    opener = control;
    button.click();
  }

  form.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(".change-row") : null;
    if (button && event.isTrusted) { opener = button; }
  });

  function closeGrid(row) {
    if (!gridHolder) { return; }
    gridHolder.innerHTML = "";
    document.querySelectorAll("#series .change-row").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
    var back = opener && document.body.contains(opener) ? opener : (row === null ? null : document.getElementById("change-" + row));
    opener = null;
    if (back) { back.focus(); }
  }

  function gridRow() {
    var holder = gridHolder && gridHolder.querySelector("input[name='row']");
    return holder ? holder.value : null;
  }

  if (gridHolder) {
    gridHolder.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target : null;
      if (target && target.closest("[data-grid-close]")) { closeGrid(gridRow()); return; }
      var pick = target ? target.closest("[data-pick-day]") : null;
      var columns = pick ? pick.closest("[data-pick-row]") : null;
      if (!columns) { return; }
      var row = columns.dataset.pickRow;
      var day = document.getElementById("day-" + row);
      var time = document.getElementById("time-" + row);
      if (!day || !time) { return; }
      day.value = pick.dataset.pickDay;
      if (!Array.prototype.some.call(time.options, function (o) { return o.value === pick.dataset.pickTime; })) {
        time.add(new Option(pick.dataset.pickTime, pick.dataset.pickTime));
      }
      time.value = pick.dataset.pickTime;
      forgetPlacement(day);
      check(day);
      dirty.delete(time);
      closeGrid(row);
    });
    gridHolder.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closeGrid(gridRow()); }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== gridHolder) { return; }
      var row = gridRow();
      document.querySelectorAll("#series .change-row").forEach(function (b) {
        b.setAttribute("aria-expanded", b.id === "change-" + row ? "true" : "false");
      });
    });
  }

  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var fresh = event.detail.fragment;
    if (target && target.closest("#series") && fresh && fresh.innerHTML === target.innerHTML) {
      event.detail.shouldSwap = false;
    }
  });

  // The controls are never swapped: their invalid state follows the answer beside them.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful || !event.detail.elt || event.detail.elt.id !== "series") { return; }
    document.querySelectorAll("#series tr[data-row]").forEach(function (row) {
      var invalid = row.querySelector(".series-check .problems") !== null;
      row.querySelectorAll(CONTROLS).forEach(function (control) {
        if (invalid) { control.setAttribute("aria-invalid", "true"); } else { control.removeAttribute("aria-invalid"); }
      });
    });
  });
})();
