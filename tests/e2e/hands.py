"""A person's hands in browser tests: every click and key press the pages receive, counted against a budget.

Issue 13 holds the main flows to budgets ("new patient to booked course in at most 15 clicks and 10 key
presses beyond the patient's details"). The count is what the pages saw, not what the test meant to do: a
listener in every frame (installed before the page's own scripts) reports each trusted `click` and `keydown`
to the test through a binding, so a click that missed, a key typed twice or a field that needed retyping all
count. A `<select>` a person opens and picks from is two clicks; pick options by clicking or by keys.

    hands = count_hands(page)
    ... act as a person ...
    hands.settle(page)
    mark = hands.mark()                       # e.g. after typing the patient's details
    ... the part under budget ...
    hands.assert_within(page, since=mark, clicks=15, keys=10, what="new patient to booked course")
"""

from __future__ import annotations

from dataclasses import dataclass, field

HANDS_LISTENER = """
(() => {
  const report = (kind, detail) => { try { window.__hands(kind, detail); } catch (e) { /* no binding */ } };
  document.addEventListener('click', (event) => {
    if (!event.isTrusted) return;
    const target = event.target instanceof Element ? event.target : null;
    const named = target && (target.closest('button, a, input, select, textarea, label, [role]') || target);
    report('click', named ? `${named.tagName.toLowerCase()} ${(named.textContent || named.name || '').trim().slice(0, 40)}` : '');
  }, true);
  document.addEventListener('keydown', (event) => {
    if (event.isTrusted && !event.repeat) report('key', event.key);
  }, true);
})();
"""


@dataclass
class Hands:
    """What the pages received: clicks and key presses, in order."""

    events: list[tuple[str, str]] = field(default_factory=list)

    def record(self, kind: str, detail: str) -> None:
        self.events.append((kind, detail))

    def settle(self, page) -> None:
        """Wait until every event the page has reported so far is counted (one round trip to the page:
        the binding's calls come in order before its answer)."""
        page.evaluate("() => 0")

    def mark(self) -> int:
        return len(self.events)

    def count(self, since: int = 0) -> tuple[int, int]:
        """(clicks, keys) since a mark."""
        seen = self.events[since:]
        return sum(kind == "click" for kind, _ in seen), sum(kind == "key" for kind, _ in seen)

    def assert_within(self, page, *, since: int = 0, clicks: int, keys: int, what: str) -> tuple[int, int]:
        self.settle(page)
        used = self.count(since)
        assert used[0] <= clicks and used[1] <= keys, (
            f"{what}: {used[0]} clicks and {used[1]} key presses, the budget is {clicks} and {keys}: "
            f"{self.events[since:]}"
        )
        return used


def count_hands(page) -> Hands:
    """Count every click and key press this page (and the pages it navigates to) receives from now on."""
    hands = Hands()
    page.expose_binding("__hands", lambda source, kind, detail: hands.record(kind, detail))
    page.add_init_script(HANDS_LISTENER)
    if page.url.startswith("http"):  # a page already open: its document gets the listener now
        page.evaluate(HANDS_LISTENER)
    return hands
