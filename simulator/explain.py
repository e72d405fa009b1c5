"""Why a run ended as it did, in words: from a traced :class:`~simulator.engine.Run`.

A timeline shows *when* requests overlap; this module says *why* the store
ends wrong.  It reads the run's trace (``simulate(..., trace=True)``, or an
explorer counterexample) and the keys the check found wrong, and gives

* per request, what it read (the store's keys as it saw them, R14) and what
  its response changed in the layout, key by key for the store;
* the **overwrites**: applied responses that put back a value the request
  had read, over a newer one (a stale full dict, R16): the losing writes;
* one closing sentence per wrong key naming the mechanism:

  - *lost update*: two requests read the same (or an old) copy of the store
    (R14) and the one applied later replaced the other's key (R16); *in one
    pass* when the request that should have superseded the stale one came
    too late because both responses shared a renderer pass (R20);
  - *timestamp unchanged*: the write that should have set the chain going
    again landed in the same millisecond as the previous Store write, so
    ``modified_timestamp`` did not change and nothing re-ran (R4);
  - *trigger lost*: a newer request superseded one that carried the key's
    trigger and did not carry it on (R8), so the key was never written;

  and, for a run that ends right, *responses ignored* when superseded
  requests' responses were thrown away (R8).

A divergence none of these fits is said to be unexplained, never guessed.
The analysis uses the trace only: it works for any app, with the store named
by ``store_prop`` and a wrong key ``k`` matched to the input whose component
id is ``k`` (the seed scenario's convention) for *trigger lost*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .engine import Run
from .rules import label
from .values import name, show

class _Missing:
    """A key or prop that was not there (before a write added it): shown as such, never as an address."""

    def __repr__(self) -> str:
        return "(new)"


_MISSING = _Missing()


@dataclass(frozen=True)
class Change:
    """One prop, or one key of the store, changed by an applied response."""

    prop: str
    key: str | None   # a top-level key of the store's dict, or None for the whole prop
    old: Any
    new: Any
    stale: bool = False  # the request put back the value it had read over a newer one


@dataclass
class Step:
    """One request, as the explanation tells it."""

    id: int
    callback: str
    read: dict[str, Any] = field(default_factory=dict)
    changed_props: list[str] = field(default_factory=list)  # changedPropIds (R7, R8)
    outcome: str = "pending"
    superseded_by: int | None = None
    merged_into: int | None = None      # R7
    t: float | None = None              # when the outcome happened
    changes: list[Change] = field(default_factory=list)
    message: str = ""


@dataclass
class Explanation:
    store_prop: str
    steps: list[Step]
    sentences: list[str]
    mechanisms: list[str]
    ignored: int = 0
    responses: int = 0

    @property
    def overwrites(self) -> list[tuple[int, Change]]:
        """(request id, change) for every stale write: the bars a chart marks."""
        return [(s.id, c) for s in self.steps for c in s.changes if c.stale]

    @property
    def sentence(self) -> str:
        return " ".join(self.sentences)

    @property
    def text(self) -> str:
        """Every line: ``assert not run.diverged, explain(run).text`` says why in pytest's message."""
        return "\n".join(self.lines())

    __str__ = text.fget

    def lines(self) -> list[str]:
        """The per-request story, then the closing sentence(s)."""
        return [_step_line(s, self.store_prop) for s in self.steps] + ["why: " + s for s in self.sentences]


def explain(run: Run, store_prop: str = "user_data.data", wrong: tuple | None = None) -> Explanation:
    """The explanation of a traced run; ``wrong`` defaults to the run's wrong keys at quiescence."""
    if run.trace is None:
        raise ValueError("an explanation needs a run simulated with trace=True")
    wrong = tuple(run.wrong if wrong is None else wrong)
    tr = _read(run.trace, store_prop)
    sentences, mechanisms = [], []
    for key in wrong:
        mechanism, sentence = _why_key(key, tr, store_prop)
        if sentence not in sentences:
            sentences.append(sentence)
            mechanisms.append(mechanism)
    measured = _measured(run.trace)
    ignored = sum(1 for e in measured if e["kind"] == "ignored")
    responses = sum(1 for e in measured if e["kind"] in ("ignored", "applied", "prevented", "error"))
    if not wrong:
        if ignored:
            mechanisms.append("responses ignored")
            sentences.append(
                f"responses ignored ({label('R8')}): {ignored} of {responses} responses came back after a newer "
                f"request of the same callback had replaced theirs, so the page never showed them; "
                f"{name(store_prop, store_prop)} still ends consistent with the inputs")
        else:
            sentences.append(f"consistent: {name(store_prop, store_prop)} agrees with the inputs at quiescence")
    return Explanation(store_prop, tr.steps, sentences, mechanisms, ignored, responses)


# --- reading the trace ----------------------------------------------------------

def _measured(trace: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, e in enumerate(trace):
        if e["kind"] == "measure":
            return trace[i:]
    return trace


@dataclass
class _Trace:
    steps: list[Step]                              # requests, in id order
    writes: list[tuple[Step, Change]]              # store-key changes, in the order they were applied
    unchanged_stamps: dict[int, Any]               # request -> the timestamp its write left unchanged (R4)
    stamp_triggers: bool                           # some request was triggered by the store's timestamp
    requested: list[tuple[float, int, str]]        # (t, request, callback), in order
    by_id: dict[int, Step]


def _read(trace, store_prop) -> _Trace:
    """Walk the trace once: each request's reads, triggers, outcome and changes."""
    known: dict[str, Any] = {}          # the layout as far as the trace shows it
    steps: dict[int, Step] = {}
    applying: Step | None = None        # the request whose response is being applied
    writes: list[tuple[Step, Change]] = []
    unchanged_stamps: dict[int, Any] = {}
    stamp_triggers = False
    requested: list[tuple[float, int, str]] = []
    stamp_prop = store_prop.rpartition(".")[0] + ".modified_timestamp"
    stale_now: dict[str, bool] = {}     # store key -> its current value came from a stale write
    for e in trace:
        kind = e["kind"]
        rid = e.get("request")
        step = None
        if rid is not None:
            step = steps.setdefault(rid, Step(rid, e.get("callback", "")))
        if kind == "requested":
            requested.append((e["t"], rid, e["callback"]))
            stamp_triggers = stamp_triggers or e.get("cause") == stamp_prop
        elif kind == "dispatched":
            step.read, step.changed_props = dict(e["read"]), list(e["changed"])
            known.update(e["read"])              # R14: what it read is the layout at that moment
            step.outcome = "in flight"
        elif kind == "superseded":
            step.outcome, step.superseded_by, step.t = "superseded", e.get("by"), e["t"]
        elif kind in ("pruned", "merged", "dropped", "removed"):
            step.outcome, step.t, step.merged_into = kind, e["t"], e.get("into")
        elif kind in ("applied", "ignored", "prevented", "error"):
            step.outcome, step.t, step.message = kind, e["t"], e.get("message", "")
            applying = step if kind == "applied" else None
        elif kind == "prop":
            prop, value = e["prop"], e["value"]
            old = known.get(prop, _MISSING)
            known[prop] = value
            if applying is not None and e.get("by") == applying.callback:
                for change in _diff(prop, old, value, applying.read, store_prop):
                    if change.stale and stale_now.get(change.key):
                        # putting back a value over one that was itself stale restores, it loses nothing
                        change = Change(change.prop, change.key, change.old, change.new, stale=False)
                    stale_now[change.key] = change.stale
                    applying.changes.append(change)
                    if change.key is not None:
                        writes.append((applying, change))
            elif prop == store_prop:
                stale_now.clear()
        elif kind == "unchanged" and e.get("prop") == stamp_prop and applying is not None:
            unchanged_stamps[applying.id] = e["value"]  # this response's write did not stamp (R4)
    shown = [s for _, s in sorted(steps.items()) if s.read or s.outcome != "pending"]
    return _Trace(shown, writes, unchanged_stamps, stamp_triggers, requested, steps)


def _diff(prop, old, new, read, store_prop) -> list[Change]:
    """What one applied prop changed; for the store's dict, key by key, marking stale writes (R16)."""
    if prop == store_prop and isinstance(new, dict) and isinstance(old, dict):
        seen = read.get(prop, _MISSING)
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            before, after = old.get(key, _MISSING), new.get(key, _MISSING)
            if _same(before, after):
                continue
            # Stale: the request read the store and put back what it read for this key.
            stale = isinstance(seen, dict) and _same(seen.get(key, _MISSING), after)
            out.append(Change(prop, key, before, after, stale))
        return out
    if old is not _MISSING and _same(old, new):
        return []
    return [Change(prop, None, old, new)]


def _same(a, b) -> bool:
    return a is b if _MISSING in (a, b) else a == b


# --- the closing sentence ----------------------------------------------------------

def _why_key(key, tr: _Trace, store_prop) -> tuple[str, str]:
    losing = [i for i, (s, c) in enumerate(tr.writes) if c.stale and c.key == key]
    if losing:
        w, change = tr.writes[losing[-1]]
        # the write it erased: the last one, applied before, that set the key to the value it replaced
        erased = next((s for s, c in reversed(tr.writes[:losing[-1]]) if c.key == key and _same(c.new, change.old)),
                      None)
        return _lost_update(key, w, change, erased, tr, store_prop)
    lost = _trigger_lost(key, tr.steps, tr.by_id)
    if lost:
        return lost
    return ("unexplained", f"{key} is wrong, and none of the mechanisms this explainer knows (lost update, "
                           f"timestamp unchanged, trigger lost) fits: read the timeline")


def _lost_update(key, w: Step, change: Change, erased: Step | None, tr: _Trace, store_prop) -> tuple[str, str]:
    store = name(store_prop, store_prop)
    replaced = (f"its full dict replaced {key}={show(change.old)} with {show(change.new)} ({label('R16')})"
                if change.new is not _MISSING else f"its full dict dropped {key}={show(change.old)} ({label('R16')})")
    seen = w.read.get(store_prop)
    if erased is None:
        return "lost update", (f"lost update: #{w.id} {w.callback} read {store} {show(seen)} ({label('R14')}); "
                               f"when it was applied {replaced}")
    if _same(erased.read.get(store_prop, _MISSING), seen):
        reads = f"#{erased.id} {erased.callback} and #{w.id} {w.callback} both read {store} {show(seen)}"
    else:
        reads = (f"#{w.id} {w.callback} read {store} {show(seen)}, without the {key} that "
                 f"#{erased.id} {erased.callback} wrote")
    reads += f" ({label('R14')})"
    applied = f"#{w.id} was applied after #{erased.id} and {replaced}"
    # Why did nothing supersede the stale request?  The erased write should have requested its
    # callback again (a newer request supersedes one in flight, R8).
    if erased.id in tr.unchanged_stamps and tr.stamp_triggers:  # R4: the write did not move a timestamp
        # that a callback listens to (a timestamp nobody reads explains nothing)
        return "timestamp unchanged", (
            f"timestamp unchanged: #{erased.id}'s write of {key}={show(change.old)} landed in the same millisecond "
            f"as the previous {store} write, so modified_timestamp stayed {tr.unchanged_stamps[erased.id]} "
            f"({label('R4')}) and nothing reading it was requested again; {reads}; {applied}")
    rescuer = next((tr.by_id[rid] for t, rid, cb in tr.requested
                    if t == erased.t and cb == w.callback and rid > erased.id and rid != w.id), None)
    if rescuer is not None and rescuer.outcome == "pruned":
        return "lost update", (
            f"lost update: {reads}; #{rescuer.id}, requested by #{erased.id}'s write, was dropped as circular "
            f"({label('R6')}), so nothing superseded #{w.id}; {applied}")
    if rescuer is not None and w.t == erased.t:
        return "lost update", (
            f"lost update in one pass: {reads}; both responses were applied in one renderer pass "
            f"({label('R20')}), so #{rescuer.id}, requested by #{erased.id}'s write, came too late to supersede "
            f"#{w.id} ({label('R8')}); {applied}")
    return "lost update", f"lost update: {reads}; {applied}"


def _trigger_lost(key, steps, by_id) -> tuple[str, str] | None:
    """A superseded request was the only one triggered by the key's input, and its successor was not (R8)."""
    for old in reversed(steps):
        if old.superseded_by is None:  # only superseding forgets triggers (R8); merging unites them (R7)
            continue
        trigger = next((p for p in old.changed_props if p.split(".")[0] == key or p == key), None)
        new = by_id.get(old.superseded_by) if old.superseded_by is not None else None
        if trigger is None or new is None or trigger in new.changed_props:
            continue
        carried = ", ".join(new.changed_props) or "nothing"
        return "trigger lost", (
            f"trigger lost: #{new.id} superseded #{old.id} ({label('R8')}) and carried only {carried} in "
            f"changedPropIds, not {trigger}; its response did not write {key} (a ctx.triggered_prop_ids "
            f"filter skips an input that is not in changedPropIds)")
    return None


# --- one line per request -----------------------------------------------------------

def _step_line(s: Step, store_prop: str) -> str:
    read = ", ".join(f"{name(p, store_prop)}={show(v)}" for p, v in s.read.items())
    head = f"#{s.id} {s.callback}: read {read}" if s.read else f"#{s.id} {s.callback}"
    if s.outcome == "applied":
        changes = [_change_text(c, store_prop) for c in s.changes]
        return f"{head}; applied: " + ("; ".join(changes) if changes else "changed nothing")
    if s.outcome in ("superseded", "ignored"):
        by = f" by #{s.superseded_by}" if s.superseded_by is not None else ""
        return f"{head}; superseded{by}, its response ignored ({label('R8')})"
    if s.outcome == "pruned":
        return f"{head}; dropped as circular ({label('R6')})"
    if s.outcome == "merged":
        return f"{head}; merged into #{s.merged_into} ({label('R7')})"
    if s.outcome == "dropped":
        return f"{head}; dropped: its group updated none of its Inputs ({label('R19')})"
    if s.outcome == "prevented":
        return f"{head}; prevented: nothing applied"
    if s.outcome == "error":
        return f"{head}; error ({label('R18')}): {s.message}"
    return f"{head}; {s.outcome}"


def _change_text(c: Change, store_prop: str) -> str:
    where = f"{name(c.prop, store_prop)}[{c.key!r}]" if c.key is not None else name(c.prop, store_prop)
    if c.old is _MISSING:
        return f"{where} = {show(c.new)} (new)"
    if c.new is _MISSING:
        return f"{where} removed (was {show(c.old)})"
    text = f"{where} {show(c.old)} -> {show(c.new)}"
    return text + f" (LOST UPDATE: put back the stale copy it read, {label('R16')})" if c.stale else text
