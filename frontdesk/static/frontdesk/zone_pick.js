/* Time zone fields (<input list="time-zones">, whose datalist holds every IANA name): a person who types part of
   a name ("chicago", "new york", "lisbon") and leaves the field gets the one zone it names, as picking it from
   the list's suggestions would. Text naming several zones or none ("Eastern": Canada/Eastern and US/Eastern) is
   left as typed, and the server's answer says which zone was probably meant. */
(function () {
  "use strict";

  function normalise(text) {
    return text.trim().toLowerCase().replace(/\s+/g, "_");
  }

  function only(names, test) {
    var found = names.filter(test);
    return found.length === 1 ? found[0] : found.length ? null : undefined;
  }

  // The zone the typed text names: a whole name (any case), else a city, else a part of one name; null when
  // several match at a step (ambiguous: stop there), undefined when none does.
  function zoneFor(typed, names) {
    var steps = [
      function (name) { return name.toLowerCase() === typed; },
      function (name) { return name.split("/").pop().toLowerCase() === typed; },
      function (name) { return name.toLowerCase().indexOf(typed) >= 0; },
    ];
    for (var i = 0; i < steps.length; i++) {
      var found = only(names, steps[i]);
      if (found !== undefined) { return found; }
    }
    return null;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.list || input.list.id !== "time-zones") { return; }
    var names = Array.prototype.map.call(input.list.options, function (option) { return option.value; });
    var typed = normalise(input.value);
    if (!typed || names.indexOf(input.value) >= 0) { return; }
    var zone = zoneFor(typed, names);
    if (zone) { input.value = zone; }
  }, true);
})();
