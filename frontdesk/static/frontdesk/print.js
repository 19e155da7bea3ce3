// The huddle sheet's "Print" button: the CSP allows no inline onclick, so the handler lives here.
document.addEventListener("click", function (event) {
  "use strict";
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
