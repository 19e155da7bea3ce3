// The recovery-codes page: "Copy the codes" and "Print" buttons (hidden until this script shows them).
// A file of its own, as the Content-Security-Policy allows scripts from this site only, never inline.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");

  function say(text) {
    if (status) { status.textContent = text; }
  }

  document.querySelectorAll("[data-copy-codes]").forEach(function (button) {
    var list = document.getElementById(button.getAttribute("data-copy-codes"));
    if (!list || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var codes = Array.prototype.map.call(list.querySelectorAll("code"), function (code) { return code.textContent; });
      navigator.clipboard.writeText(codes.join("\n")).then(
        function () { say("Copied."); },
        function () { say("Could not copy: select the codes and copy them by hand."); }
      );
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
