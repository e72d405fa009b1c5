"""Name what went wrong in a diverging schedule, say it in plain words, and give the fix.

The mechanisms are the seed article's and what the model proves:

* ``lost update``: several callbacks read-modify-write one store; one read it
  (R14) before another's response was applied, and its full value replaced
  that write (R16).  Fix: a ``Patch()`` per key (R17), one merged callback
  without a triggered filter, or one Store per key.
* ``trigger lost``: a request was superseded in flight (R8) and the newer
  one's ``changedPropIds`` lacks the older trigger, which the callback's
  ``triggered_id`` filter then skips.  Fix: drop the filter (write every input).
* ``stale timestamp chain``: two writes of a Store in one millisecond give one
  ``modified_timestamp`` (R4), so a callback chained on it does not run again.
  Fix: chain on an explicit timestamp Store, or Patch per key.
* ``starved``: an interval faster than the round trip: most responses are
  ignored (R8) and the output lags.
* ``stranded``: a request R9 holds back behind its own downstream outputs is
  never sent, because dropping the request it superseded re-runs no observer
  (the renderer's requested observer watches ``callbacks.requested`` and
  ``callbacks.completed`` only; a superseded response resolves into nothing).

Each is recognised from the counterexample's trace (the engine's format).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .. import wildcards
from ..patch import is_patch
from .convert import RealCallback

TRIGGER_FILTER = re.compile(r"\b(triggered_id|triggered_prop_ids|callback_context\.triggered|ctx\.triggered)\b")


@dataclass
class Anomaly:
    name: str
    story: str                     # the key sentence, in plain words
    fix: str
    callbacks: list[str] = field(default_factory=list)   # "name (file:line)"


def _short(value: Any, width: int = 70) -> str:
    text = json.dumps(value, separators=(",", ":"), default=repr)
    return text if len(text) <= width else text[:width - 3] + "..."


def _where(cb: RealCallback) -> str:
    return f"{cb.name} ({cb.source.where})"


def uses_trigger_filter(cb: RealCallback) -> bool:
    return bool(TRIGGER_FILTER.search(cb.source.text))


def narrate(trace: list[dict[str, Any]]) -> list[str]:
    """The counterexample as a timeline a developer can read, one event a line."""
    lines = []
    for e in trace:
        t, kind = e["t"], e["kind"]
        who = f"#{e.get('request')} {e.get('callback')}"
        if kind == "requested":
            lines.append(f"t={t:g}: {who} requested ({e.get('cause') or 'page load'})")
        elif kind == "dispatched":
            read = ", ".join(f"{k}={_short(v, 40)}" for k, v in e.get("read", {}).items())
            lines.append(f"t={t:g}: {who} sent, triggered by {', '.join(e.get('changed') or ['page load'])}; "
                         f"reads {read}")
        elif kind == "applied":
            vals = ", ".join(f"{k} <- {_short(v, 50)}" for k, v in e.get("values", {}).items()) or "nothing"
            lines.append(f"t={t:g}: {who} response applied: {vals}")
        elif kind == "side_update":
            vals = ", ".join(f"{k} <- {_short(v, 50)}" for k, v in e.get("values", {}).items())
            lines.append(f"t={t:g}: {who} response's set_props land: {vals} (R21)")
        elif kind == "progress":
            vals = ", ".join(f"{k} <- {_short(v, 50)}" for k, v in e.get("values", {}).items())
            lines.append(f"t={t:g}: {who} job's progress lands: {vals} (R31)")
        elif kind == "replaced":
            vals = ", ".join(f"{k} <- {_short(v, 50)}" for k, v in e.get("values", {}).items())
            lines.append(f"t={t:g}: {who} job's set_props of {vals} never lands: a later set_props replaced "
                         "the job's one cache entry before a poll read it (R31)")
        elif kind == "superseded":
            lines.append(f"t={t:g}: {who} superseded by #{e.get('by')} (R8)")
        elif kind == "merged":
            lines.append(f"t={t:g}: {who} merged into #{e.get('into')} (R7)")
        elif kind == "ignored" and e.get("outdated"):
            lines.append(f"t={t:g}: {who} poll answered: its job was outdated by a newer request (R31); "
                         "nothing of it lands, not even running= off")
        elif kind == "ignored":
            lines.append(f"t={t:g}: {who} response ignored: it was superseded (R8)")
        elif kind == "job":
            lines.append(f"t={t:g}: {who} job started in the background; the renderer polls it (R31)")
        elif kind == "shared" and e.get("took") is not None:
            lines.append(f"t={t:g}: {who} poll took the result #{e['took']}'s job left under the same cache "
                         "key (equal arguments, R31)")
        elif kind == "shared":
            lines.append(f"t={t:g}: {who} poll found no result: #{e['lost_to']}'s job, on the same cache key, "
                         "had taken or overwritten it (R31)")
        elif kind in ("prevented", "error"):
            lines.append(f"t={t:g}: {who} {kind}{': ' + e['message'] if e.get('message') else ''}")
        elif kind == "prop" and e.get("by") == "user":
            lines.append(f"t={t:g}: user sets {e['prop']} = {_short(e['value'], 40)}")
    return lines


def stuck(trace: list[dict[str, Any]]) -> list[int]:
    """Requests left in the requested list when the schedule ended (a model artefact, never a real end)."""
    open_ = {}
    for e in trace:
        rid = e.get("request")
        if rid is None:
            continue
        if e["kind"] == "requested":
            open_[rid] = True
        elif e["kind"] in ("prioritized", "merged", "pruned", "dropped", "superseded", "removed"):
            open_.pop(rid, None)
    return sorted(open_)


def _requests(trace: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    reqs: dict[int, dict[str, Any]] = {}
    for e in trace:
        rid = e.get("request")
        if rid is None:
            continue
        r = reqs.setdefault(rid, {"id": rid, "callback": e.get("callback")})
        if e["kind"] == "dispatched":
            r["sent"], r["read"], r["changed"] = e["t"], e.get("read", {}), e.get("changed", [])
        elif e["kind"] == "applied":
            r["applied"], r["values"] = e["t"], {**r.get("values", {}), **e.get("values", {})}
            r["patched"] = r.get("patched", []) + list(e.get("patched", []))
            r["order"] = len([x for x in reqs.values() if "applied" in x])
        elif e["kind"] in ("side_update", "progress"):   # set_props (R21) or progress (R31) landing: writes too
            r["side_writes"] = r.get("side_writes", []) + [(e["t"], dict(e.get("values", {})))]
        if e["kind"] == "side_update" and "applied" not in r:   # set_props landing (R21): a write too
            r["applied"], r["values"] = e["t"], dict(e.get("values", {}))
            r["order"] = len([x for x in reqs.values() if "applied" in x])
            r["patched"] = list(e.get("patched", []))
        elif e["kind"] in ("error", "prevented"):
            r["outcome"] = e["kind"]
        elif e["kind"] == "superseded":
            r["superseded_by"] = e.get("by")
        elif e["kind"] == "ignored" and e.get("outdated"):
            r["outdated"] = e["t"]
        elif e["kind"] == "merged":   # R7: its triggers joined a newer request of the same callback
            r["superseded_by"] = e.get("into")
            r["merged"] = True
            r.setdefault("changed", [e.get("cause")] if e.get("cause") else [])
        elif e["kind"] == "requested":
            r["cause"] = e.get("cause")
            r.setdefault("changed", [e.get("cause")] if e.get("cause") else [])
    return reqs


def _listed_inputs(cb: RealCallback) -> list:
    """The ALL / ALLSMALLER Inputs of ``cb`` (of its declared callback, for a pattern-matching instance)."""
    return [d for d in (getattr(cb, "definition", None) or cb).inputs if d.multi]


def lost_parts(differs: list[tuple[str, Any, Any]]) -> list[str]:
    """What was lost, in a developer's words: a store's keys (``user_data.data["first_name"]``) or whole props."""
    out = []
    for prop, want, got in differs:
        if isinstance(want, dict) and isinstance(got, dict):
            keys = [k for k in sorted(set(want) | set(got), key=str) if want.get(k) != got.get(k)]
            out += [f"{prop}[{k!r}]" for k in keys] or [prop]
        else:
            out.append(prop)
    return out


def _counter_fix(cb: RealCallback, triggers: list[str]) -> str | None:
    """The fix for a click counter, whose triggers are events, not values: None when no trigger is a click.

    Handling each trigger does not fix a counter: a request that merged (R7)
    or superseded (R8) others carries one trigger for several clicks.
    """
    clicks = [p for p in triggers if p.endswith(".n_clicks")]
    if not clicks:
        return None
    return (f"in {_where(cb)}, compute the output from the n_clicks values themselves ({', '.join(clicks)}: each "
            "is the running total of its button's clicks, read when the request is sent, R14) instead of adding "
            "one per trigger: a request that merged (R7) or superseded (R8) others carries one trigger for "
            "several clicks")


def _setter(trace: list[dict[str, Any]], req: dict[str, Any]) -> str:
    """Who changed what set ``req`` off, in words: the user, a component's mount (R22), a callback."""
    changed = set(req.get("changed", []))
    by = None
    for e in trace:
        if e.get("request") == req["id"] and e["kind"] == "requested":
            break
        if e["kind"] == "prop" and e.get("prop") in changed:
            by = e.get("by")
    if by == "user":
        return "the user's change"
    if by == "mount":
        return "a component's own change on mount (R22)"
    return f"{by}'s change" if by else "a change"


def classify(trace: list[dict[str, Any]], wrong: tuple[str, ...], callbacks: list[RealCallback],
             steps: list[str] = (), differs: list[tuple[str, Any, Any]] = ()) -> Anomaly | None:
    """The mechanism behind a diverging schedule, if it is one of the known ones."""
    lost_words = ", ".join(lost_parts(list(differs))) or ", ".join(wrong)
    by_name = {cb.name: cb for cb in callbacks}
    reqs = _requests(trace)
    # stranded: a request left in the requested list when everything else is done
    for rid in stuck(trace):
        r = reqs[rid]
        cb = by_name.get(r["callback"])
        if cb is None:
            continue
        story = (f"`{cb.name}` (#{rid}) was requested but never sent: while an older request of it was in flight, "
                 f"R9 held #{rid} back (one of its Inputs is downstream of its own outputs); the older one was "
                 "superseded and its response ignored (R8), which re-runs nothing in the renderer, so the page "
                 f"never updates (lost: {lost_words})")
        return Anomaly("request stranded: never sent after the request it superseded was ignored", story,
                       f"break the loop through {_where(cb)}'s own outputs (an Input fed back from its Output by "
                       "another callback), e.g. make that Input a State", [_where(cb)])
    # trigger lost: superseded in flight, the newer request lacks the trigger, the body filters on it
    for r in reqs.values():
        newer = reqs.get(r.get("superseded_by")) if r.get("superseded_by") else None
        cb = by_name.get(r["callback"])
        if newer is None or cb is None or "sent" not in r or not uses_trigger_filter(cb):
            continue
        lost = [p for p in r.get("changed", []) if p not in newer.get("changed", [])]
        if lost and any(o.key in wrong for o in cb.outputs):
            story = (f"`{cb.name}` (#{r['id']}, triggered by {', '.join(lost)}) was superseded in flight by "
                     f"#{newer['id']} (R8), triggered by {', '.join(newer.get('changed', []))} only; its "
                     f"ctx.triggered filter then skipped {', '.join(lost)}, and {lost_words} kept the "
                     "old value")
            return Anomaly("trigger lost by a superseded request with a triggered_id filter", story,
                           _counter_fix(cb, lost) or
                           f"drop the triggered filter in {_where(cb)}: write every input's value each time "
                           "(the seed's merged_unfiltered, proved safe), or one callback per key returning a "
                           "Patch()", [_where(cb)])
    # ALL in arrival order: components with ids arrived by two layout changes, in an order the serial run
    # did not take, and a callback with an ALL Input wrote a wrong prop (R30, computePaths)
    changes = [e for e in trace if e["kind"] == "layout" and e.get("added")]
    listing = [cb for cb in callbacks if any(o.key in wrong for o in cb.outputs)
               and _listed_inputs(cb)]
    if len(changes) >= 2 and listing:
        cb = listing[0]
        story = (f"components arrived with {len(changes)} layout changes ({', '.join(e['prop'] for e in changes[:3])}) "
                 f"in an order the serial run did not take; ALL lists them in the order they arrived, not in layout "
                 f"order, so `{cb.name}` got its values in another order (lost: {lost_words})")
        return Anomaly("ALL lists components in the order they arrived (R30)", story,
                       f"in {_where(cb)}, do not rely on the order of an ALL list: pair each value with its id "
                       "(ctx.inputs_list) and sort or key by it", [_where(cb)])
    # stale timestamp chain: a callback chained on a Store's modified_timestamp, writes in one ms
    chained = [cb for cb in callbacks if any(i.component_property == "modified_timestamp" for i in cb.inputs)]
    if chained and any("same millisecond" in s for s in steps):
        names = ", ".join(_where(cb) for cb in chained)
        return Anomaly("stale timestamp chain",
                       "two writes of a Store landed in one millisecond and gave one modified_timestamp (R4), "
                       f"so {', '.join(cb.name for cb in chained)} was not triggered again",
                       f"chain {names} on an explicit timestamp Store written by the previous callback "
                       "(Solution 1), or return a Patch() per key", [_where(cb) for cb in chained])
    # lost update: B read the store before A's response was applied; B's full value overwrote A's write
    stores = {p for p in wrong} | {p for r in reqs.values() for p in r.get("values", {})}
    for prop in sorted(stores):
        writes = sorted((r for r in reqs.values() if prop in r.get("values", {})
                         and not is_patch(r["values"][prop])), key=lambda r: r["applied"])
        for i, a in enumerate(writes):
            for b in writes[i + 1:]:
                if prop in b.get("read", {}) and b.get("sent", 1e18) <= a["applied"] and b["callback"] != a["callback"]:
                    cb_a, cb_b = by_name.get(a["callback"]), by_name.get(b["callback"])
                    writers = [cb for cb in callbacks if any(o.key == prop for o in cb.outputs)
                               and any(s.key == prop for s in cb.states + cb.inputs)]
                    story = (f"`{b['callback']}` (#{b['id']}) read `{prop}` before `{a['callback']}`'s response "
                             f"(#{a['id']}) was applied, and its full value overwrote that write "
                             f"(lost: {lost_words})")
                    return Anomaly("lost update by read-modify-write of a shared store", story,
                                   f"make each writer of {prop} return a Patch() that sets only its own key "
                                   f"({', '.join(_where(cb) for cb in writers) or '-'}; Solution 4, proved safe), "
                                   "or merge them into one callback without a triggered filter, or give each key "
                                   "its own Store and merge them in one callback",
                                   [_where(cb) for cb in (cb_a, cb_b) if cb is not None])
    # several triggers in one request (R7 merges them), and the body reads ctx.triggered_id: only the first
    for r in reqs.values():
        cb = by_name.get(r["callback"])
        if cb is None or len(r.get("changed", [])) < 2 or "triggered_id" not in cb.source.text:
            continue
        if any(o.key in wrong for o in cb.outputs):
            story = (f"`{cb.name}` (#{r['id']}) was sent once for {', '.join(r['changed'])} together (R7 merges "
                     "the triggers of one callback); ctx.triggered_id names only the first of them, so the body "
                     f"skipped the others (lost: {lost_words})")
            return Anomaly("triggers merged into one request, ctx.triggered_id names only the first", story,
                           _counter_fix(cb, r["changed"]) or
                           f"in {_where(cb)}, handle every prop in ctx.triggered_prop_ids (or write every input "
                           "each time) instead of branching on ctx.triggered_id", [_where(cb)])
    # superseded or merged, and the newest request did not carry the older one's update (latest first)
    for r in sorted(reqs.values(), key=lambda r: -r["id"]):
        newer = reqs.get(r.get("superseded_by")) if r.get("superseded_by") else None
        while newer is not None and newer.get("superseded_by") and newer["superseded_by"] in reqs:
            newer = reqs[newer["superseded_by"]]
        cb = by_name.get(r["callback"])
        if newer is None or cb is None:
            continue
        how = "merged into" if r.get("merged") else "superseded in flight by"
        rule = "R7" if r.get("merged") else "R8"
        stale = [o.key for o in cb.outputs if o.key in wrong and o.key in newer.get("values", {})
                 and any(s.key == o.key for s in cb.states)]
        if stale:
            story = (f"`{cb.name}` (#{r['id']}) was {how} #{newer['id']} ({rule}); #{newer['id']} computed "
                     f"{', '.join(stale)} from its State once, so the older request's update was never made "
                     f"(lost: {lost_words})")
            return Anomaly("update lost: a superseded request's increment never applied", story,
                           f"in {_where(cb)}, compute {', '.join(stale)} from the Inputs themselves (e.g. from "
                           "n_clicks) rather than from its own State, or accumulate with a Patch() operation",
                           [_where(cb)])
        patched = [p for p in newer.get("patched", []) if p in wrong]
        if patched:
            story = (f"`{cb.name}` (#{r['id']}) was {how} #{newer['id']} ({rule}), so its Patch to "
                     f"{', '.join(patched)} was never applied; #{newer['id']}'s Patch carries only its own change "
                     f"(lost: {lost_words})")
            return Anomaly("update lost: a superseded request's Patch never applied", story,
                           f"in {_where(cb)}, compute {', '.join(patched)} from what the Inputs hold in total "
                           "(n_clicks counts every click; a list input holds every item) instead of one Patch "
                           "per event: a request superseded or merged carries no Patch of its own",
                           [_where(cb)])
        skipped = [o.key for o in cb.outputs if o.key in wrong and o.key not in newer.get("values", {})]
        if skipped and "sent" in newer and newer.get("outcome") == "error":
            story = (f"`{cb.name}` (#{r['id']}) was {how} #{newer['id']} ({rule}), so its update never came; "
                     f"#{newer['id']} raised (HTTP 500, R18), so {', '.join(skipped)} kept a value from before "
                     f"(lost: {lost_words})")
            return Anomaly("update lost: a superseded request's newer request raised", story,
                           f"in {_where(cb)}, answer every input the newest request may carry instead of raising "
                           "(or raise PreventUpdate only where keeping the old value is right)", [_where(cb)])
        if skipped and "sent" in newer:
            story = (f"`{cb.name}` (#{r['id']}) was {how} #{newer['id']} ({rule}), so its update never came; "
                     f"#{newer['id']} answered no_update (or PreventUpdate) for {', '.join(skipped)}, "
                     f"which kept a value from before (lost: {lost_words})")
            return Anomaly("update lost: a superseded request's newer request returned no_update", story,
                           f"in {_where(cb)}, return the output computed from the current inputs instead of "
                           "no_update, so the newest request always carries the value the page should show",
                           [_where(cb)])
    # R31: a job's set_props replaced in its one cache entry before a poll read it
    for e in trace:
        cb = by_name.get(e.get("callback"))
        lost = [p for p in e.get("values", {}) if p in wrong] if e["kind"] == "replaced" else []
        if cb is None or not lost:
            continue
        story = (f"`{cb.name}` (#{e['request']}) ran as a background job and called set_props for "
                 f"{', '.join(lost)}, then set_props for another component before the next poll: the job's cache "
                 f"keeps one set_props entry, each call replaces it, so the first never reached the page "
                 f"(R31; lost: {lost_words})")
        return Anomaly("a background job's set_props replaced before a poll read it (R31)", story,
                       f"in {_where(cb)}, set what must land together in one set_props call, or return it as "
                       "Outputs; between two polls only the last set_props call of a job reaches the page",
                       [_where(cb)])
    # R31: jobs on equal arguments share Dash's cache entries, and one's poll took what the other left
    for e in trace:
        cb = by_name.get(e.get("callback"))
        if e["kind"] != "shared" or cb is None:
            continue
        other = e["took"] if e.get("took") is not None else e["lost_to"]
        how = (f"its poll took the result #{other}'s job left" if e.get("took") is not None else
               f"its poll found no result: #{other}'s job had taken or overwritten it")
        story = (f"`{cb.name}` (#{e['request']}) ran as a background job on the same arguments as #{other}: Dash "
                 f"keys a job's cache entries by its function and arguments, so the two shared them, and {how} "
                 f"(R31; lost: {lost_words})")
        return Anomaly("background jobs on equal arguments share one cache entry (R31)", story,
                       f"make the arguments of {_where(cb)} differ between the jobs that can run at once: add a "
                       "State that tells them apart (a pattern-matching callback: the MATCH component's id, "
                       "State({..., MATCH}, 'id')), or, for jobs set off by different Inputs, "
                       "cache_ignore_triggered=False", [_where(cb)])
    # R31: a background job outdated by a newer request of it before a poll brought what it set or returned
    for r in reqs.values():
        cb = by_name.get(r["callback"])
        if cb is None or cb.background is None or "outdated" not in r:
            continue
        newer = reqs.get(r.get("superseded_by")) if r.get("superseded_by") else None
        by = f" by #{newer['id']}" if newer else ""
        story = (f"`{cb.name}` (#{r['id']}) ran as a background job; a newer request of it{by} outdated the job "
                 f"(R31), so its next poll ended the chain and what the job had set or would return never reached "
                 f"the page, while the newer job read the page from before (lost: {lost_words})")
        clicks = [k for k in r.get("changed", []) if k.endswith(".n_clicks")]
        guard = (f"disable {clicks[0].rpartition('.')[0]} while the job runs "
                 f"(running=[(Output({clicks[0].rpartition('.')[0]!r}, 'disabled'), True, False)]), or "
                 if clicks else "")
        return Anomaly("background job outdated by a newer request: what it set or would return never landed (R31)",
                       story, f"{guard}have {_where(cb)} compute what the page must keep from its Inputs, not "
                       "from a State it also writes (the newest job's answer is the one that lands), and return "
                       "it as an Output rather than set_props it", [_where(cb)])
    # R21/R31: the last write of a wrong prop was a side update or progress of a superseded request,
    # landing after the request that superseded it was sent: nothing in the renderer stops it
    for prop in sorted(wrong):
        last = max(((t, r) for r in reqs.values() for t, vals in r.get("side_writes", []) if prop in vals),
                   key=lambda x: x[0], default=None)
        if last is None:
            continue
        t, r = last
        newer = reqs.get(r.get("superseded_by")) if r.get("superseded_by") else None
        later_write = any(t2 > t for x in reqs.values() for t2, vals in x.get("side_writes", []) if prop in vals) \
            or any(prop in x.get("values", {}) and x.get("applied", -1) > t for x in reqs.values())
        cb = by_name.get(r["callback"])
        if newer is None or cb is None or later_write or newer.get("sent", 1e18) > t:
            continue
        what = "progress" if cb.background is not None and cb.background.progress and prop in cb.background.progress \
            else "set_props"
        story = (f"`{cb.name}` (#{r['id']}) was superseded by #{newer['id']} (R8), but its {what} still landed "
                 f"at t={t:g}, after #{newer['id']}'s had: a superseded request's side updates are applied "
                 f"(R21, R31), so {prop} ends with the older value (lost: {lost_words})")
        fix = (f"give {_where(cb)} a progress_default (the newest job sets it back when it ends), or "
               if what == "progress" else "") + \
            (f"disable the Input of {_where(cb)} while it runs (running=), or return {prop} as an Output: a "
             "superseded request's answer is ignored, its side updates are not")
        return Anomaly(f"a superseded request's {what} landed last (R21, R31)", story, fix, [_where(cb)])
    # responses out of order: several requests write one prop in full, the earlier-sent one applied last
    for prop in sorted(wrong):
        writes = [r for r in reqs.values() if prop in r.get("values", {}) and "sent" in r]
        for a in writes:
            for b in writes:
                if (a["sent"], a["id"]) < (b["sent"], b["id"]) and b["applied"] <= a["applied"] and \
                        b["order"] < a["order"]:
                    cbs = [by_name[n] for n in dict.fromkeys((a["callback"], b["callback"])) if n in by_name]
                    story = (f"`{a['callback']}` (#{a['id']}) was sent before `{b['callback']}` (#{b['id']}) but its "
                             f"response came back after it, and the last response wins (R16): {prop} ends with "
                             f"#{a['id']}'s value (lost: {lost_words})")
                    return Anomaly("responses out of order: the last response wins", story,
                                   f"have one writer of {prop}, or chain them: trigger "
                                   f"{cbs[-1].name if cbs else 'the later one'} from the other's output instead of "
                                   f"from the same input ({', '.join(_where(cb) for cb in cbs)})",
                                   [_where(cb) for cb in cbs])
    # stale read: B read a prop, as State, before A's write of it landed (both out together, R14), and B's
    # output shows the old value; serially B would have read A's write
    for prop in sorted(wrong):
        for b in reqs.values():
            if prop not in b.get("values", {}) or "sent" not in b:
                continue
            cb_b = by_name.get(b["callback"])
            for read, _ in b.get("read", {}).items():
                if cb_b is None or not any(s.key == read for s in cb_b.states):
                    continue
                a = next((r for r in reqs.values() if r is not b and read in r.get("values", {})
                          and b["sent"] <= r.get("applied", -1)), None)
                if a is None:
                    continue
                how = "set_props" if by_name.get(a["callback"]) is None or not any(
                    o.key == read for o in by_name[a["callback"]].outputs) else "response"
                story = (f"`{cb_b.name}` (#{b['id']}) read `{read}` as State when it was sent, before "
                         f"`{a['callback']}`'s {how} (#{a['id']}) wrote it (a request reads the page as it stands "
                         f"when it is sent, R14), so {prop} shows the value from before (lost: {lost_words})")
                return Anomaly("stale read: a State read before a write in flight landed", story,
                               f"in {_where(cb_b)}, make {read} an Input instead of a State, so that "
                               f"{cb_b.name} runs again once {a['callback']} has written it", [_where(cb_b)])
    # set_props brought components an ALL Input matches, after the callback listing them had read its list:
    # sideUpdate requests nothing for what arrives (R30), so it never ran again
    for e in trace:
        if e["kind"] != "layout" or not e.get("by") or not e.get("added"):
            continue
        arrived = [(a, json.loads(a) if a.startswith("{") else a) for a in e["added"]]
        for cb in callbacks:
            lists = _listed_inputs(cb)
            matched = [a for a, cid in arrived if isinstance(cid, dict)
                       and any(wildcards.matches(d.component_id, cid, {}) for d in lists)]
            runs = [r for r in reqs.values() if r["callback"] == cb.name and "sent" in r]
            if not matched or not any(o.key in wrong for o in cb.outputs) or not runs \
                    or any(r["sent"] > e["t"] for r in runs):
                continue
            writer = e["by"].split(" (")[0]
            story = (f"`{cb.name}` (#{runs[-1]['id']}) listed its ALL Input before `{writer}`'s set_props put "
                     f"{', '.join(matched[:3])} into {e['prop']}; the renderer requests nothing for components "
                     f"set_props brings (R30, sideUpdate), so `{cb.name}` never ran again (lost: {lost_words})")
            return Anomaly("components set_props brought were never listed: set_props requests nothing (R30)", story,
                           f"return the components from {writer} as an Output ({e['prop']}) instead of set_props: "
                           f"then the renderer runs {cb.name} for them (R30); or give {cb.name} an Input that "
                           f"{writer} writes", [_where(cb)])
    # the page load's call merged into the user's request (R7): what it would have set off never happened
    for r in reqs.values():
        into = reqs.get(r.get("superseded_by")) if r.get("merged") and r.get("cause") == "initial call" else None
        cb = by_name.get(r["callback"])
        if into is None or cb is None:
            continue
        setter = _setter(trace, into)
        story = (f"the page load's call of `{cb.name}` (#{r['id']}) was merged into #{into['id']}, the request "
                 f"{setter} set off ({', '.join(into.get('changed', [])) or 'no trigger'}): an initial call gives "
                 f"way (R7), so what the load's call would have shown or set off never happened (lost: {lost_words})")
        return Anomaly("the page load's call gave way to the user's (R7)", story,
                       f"this happens when the user acts before the page has loaded; if what {_where(cb)} does on "
                       "load must happen whatever the user does, do not leave it to that call (give it an Input "
                       "of its own, or compute the result where the user's request also computes it)",
                       [_where(cb)])
    return None


STARVED = Anomaly("starved by an interval faster than the round trip", "", "")
