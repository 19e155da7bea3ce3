// The day board's now-line as time passes: the server draws the line at the current 5-minute column;
// when the clock reaches the next column this asks for a redraw (the board's own "board-changed" event),
// so the line's place is computed in one place, the server, in the clinic's time zone.
(function () {
  "use strict";
  var STEP = 5;
  var seen = new WeakMap(); // #board element -> when it was drawn (browser clock, ms)

  function column(board) {
    var drawnAt = seen.get(board);
    if (drawnAt === undefined) {
      drawnAt = Date.now();
      seen.set(board, drawnAt);
    }
    // Elapsed time on the browser's clock, added to the server's "now": the browser's zone does not matter.
    var minute = Number(board.dataset.nowMinute) + Math.floor((Date.now() - drawnAt) / 60000);
    var first = Number(board.dataset.firstMinute);
    var last = Number(board.dataset.lastMinute);
    if (minute < first || minute >= last) return "";
    return String(Math.floor((minute - first) / STEP));
  }

  function tick() {
    var board = document.getElementById("board");
    if (!board || board.dataset.nowMinute === undefined || document.hidden) return;
    if (column(board) !== board.dataset.nowColumn && window.htmx) {
      // After midnight this redraws the same (past) day without a line: the data attributes go away.
      window.htmx.trigger(document.body, "board-changed");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 20000);
  });
})();
