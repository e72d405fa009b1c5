"""The renderer rules R1..R31, as data the installed package carries.

Every rule the model follows has an id (``R8``), a short label a timeline
can print next to the number (``R8 superseded``), a one-line title, the
dash-renderer source file(s) it was read from, and one paragraph in plain
words.  ``docs/renderer-model.md`` explains each rule at length; this module
is what ``callback-race rules`` prints, because ``pip install .`` ships the
package and not the docs.  ``tests/test_rules.py`` keeps the two in step:
the same ids, labels, titles and source files on both sides.

Source paths are relative to ``dash/dash-renderer/src/`` in plotly/dash
unless they start with ``dash/`` or ``components/`` (then relative to the
repository root).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from .errors import ScenarioError


@dataclass(frozen=True)
class Rule:
    id: str                   # "R8"
    label: str                # "superseded": a few words after the number
    title: str                # one line: what the rule says
    sources: tuple[str, ...]  # where in plotly/dash it comes from
    text: str                 # one paragraph, plain words

    @property
    def tag(self) -> str:
        """``"R8 superseded"``: how output cites the rule."""
        return f"{self.id} {self.label}"


RULES: tuple[Rule, ...] = (
    Rule("R1", "triggered by Input", "a changed prop requests every callback that has it as an Input",
         ("actions/index.js", "wrapper/DashWrapper.tsx", "observers/executedCallbacks.ts",
          "actions/dependencies_ts.ts"),
         "When a prop changes, the renderer requests every callback that lists that prop as an Input. "
         "The change can come from a component (the user typed) or from a callback response being applied. "
         "A State never requests anything: it is only read."),
    Rule("R2", "outputs trigger", "an applied response triggers its outputs' listeners, even with an equal value",
         ("observers/executedCallbacks.ts",),
         "Applying a response requests the listeners of every prop the response carries, without comparing "
         "the new value with the old one: returning the same dict still triggers its readers. An output "
         "left out (no_update) or a PreventUpdate applies nothing and so triggers nothing."),
    Rule("R3", "predecessors", "a request triggered by a response carries the chain of callbacks before it",
         ("observers/executedCallbacks.ts",),
         "A request created by an applied response remembers the callbacks that led to it: the triggering "
         "request's predecessors plus that callback. A request created by a user's change has none. R6 uses "
         "the chain to stop loops."),
    Rule("R4", "equal is no change", "a component change triggers only when the value differs; "
         "a Store stamps modified_timestamp",
         ("wrapper/DashWrapper.tsx", "components/dash-core-components/src/components/Store.react.js"),
         "A component's own change requests callbacks only when the new value is not deep-equal to the old "
         "one (unlike R2). A dcc.Store sets its modified_timestamp itself, to Date.now() in whole "
         "milliseconds, when it receives data different from what it last stored, and once on mount when "
         "it starts with data. Two writes "
         "within one millisecond give the same timestamp: the second is no change and triggers nothing."),
    Rule("R5", "initial call", "on page load every callback without prevent_initial_call runs once, "
         "in one group",
         ("actions/dependencies.js", "actions/dependencies_ts.ts", "dash/_validate.py"),
         "When the page loads, every callback whose outputs are in the layout is requested once, unless it "
         "has prevent_initial_call=True. These requests share one execution group (R19). Dash refuses "
         "allow_duplicate=True on a callback that does not also set prevent_initial_call=True."),
    Rule("R6", "circular pruned", "a request whose chain already ran its callback is dropped",
         ("observers/requestedCallbacks.ts",),
         "Before anything else, the renderer drops every requested callback whose predecessors (R3) already "
         "contain that same callback. This is what ends an A -> B -> A loop after one round."),
    Rule("R7", "duplicates merged", "requests of one callback waiting together merge into the newest",
         ("observers/requestedCallbacks.ts", "actions/dependencies_ts.ts"),
         "Requested callbacks with the same identity (the callback's Inputs, Outputs and States) become one "
         "request: the newest, with the triggers (changedPropIds) of all of them united. An initial-call "
         "request gives way to a triggered one."),
    Rule("R8", "superseded", "a newer request of a callback replaces the older one, even in flight",
         ("observers/requestedCallbacks.ts", "observers/executingCallbacks.ts"),
         "When a callback is requested while an older request of it is waiting or already on the wire, the "
         "older one is removed. If it was on the wire, the server still does the work but the browser "
         "ignores the response. The newer request carries only its own triggers: what triggered the older "
         "one is forgotten, so a callback that filters on ctx.triggered_prop_ids can lose an update."),
    Rule("R9", "ready", "a request waits while a pending request may still change one of its Inputs",
         ("actions/dependencies_ts.ts", "observers/requestedCallbacks.ts"),
         "A requested callback is sent only when none of its Inputs can still be changed by a pending "
         "request or by anything downstream of one. Its own outputs and its States do not count. Waiting "
         "requests stay in the requested list until they are ready."),
    Rule("R10", "deadlock breaker", "when everything pending waits on something else, the first request goes",
         ("observers/requestedCallbacks.ts",),
         "If nothing is ready and every pending request is still in the requested list, the renderer "
         "assumes the requests form a loop and lets the first one go, then whatever that one does not "
         "block. The renderer means to record the entry point in the others' predecessors, but computes an "
         "empty set, so it records nothing; the model does the same."),
    Rule("R11", "allow_duplicate suffix", "an allow_duplicate output does not make readers of the prop wait",
         ("dash/_utils.py", "actions/dependencies_ts.ts"),
         "Dash names an allow_duplicate output with a suffix, data@<hash>. Readiness (R9) compares these "
         "names as strings, so a request writing user_data.data@... in flight does not make a callback with "
         "Input(user_data.data) wait. The suffix is removed when the response is applied, so R1 and R2 "
         "trigger on the plain prop as usual."),
    Rule("R12", "12 in flight", "at most 12 requests are executing at once",
         ("observers/prioritizedCallbacks.ts",),
         "The renderer keeps at most 12 requests executing or awaiting their response; further ready "
         "requests wait their turn. A superseded request frees its slot at once, though its response is "
         "still on its way."),
    Rule("R13", "priority order", "ready requests leave in priority order, which is in practice ready order",
         ("observers/prioritizedCallbacks.ts", "actions/dependencies_ts.ts"),
         "Ready requests are sorted by a priority string, larger first. getPriority is meant to rank a "
         "callback by the depth and breadth of the chain below it, but its filter keeps only callbacks it "
         "has already seen, so every priority is \"0\" and requests leave in the order they became ready. "
         "The model follows the renderer, not the comment."),
    Rule("R14", "read at dispatch", "Input and State values are read when the request is sent",
         ("observers/prioritizedCallbacks.ts", "actions/callbacks.ts"),
         "A request's Input and State values are read from the layout at the moment it is dispatched, not "
         "when it was requested and not when its response arrives. Two requests dispatched in one pass read "
         "the same State: each sees the store without the other's change."),
    Rule("R15", "clientside", "clientside callbacks follow the same rules without an HTTP round trip",
         ("actions/callbacks.ts", "actions/patch.ts", "utils/clientsideFunctions.ts"),
         "A clientside callback runs in the browser: no network, no server. It goes through the same "
         "lists and rules (requested, ready, superseded, applied) as a server callback. Its JavaScript gets "
         "dash_clientside.no_update, PreventUpdate, callback_context and Patch; callback-race runs it in an "
         "embedded V8 and refuses what needs the page (a throw, a Promise); its set_props land with its answer."),
    Rule("R16", "full replace", "a returned value replaces the whole prop",
         ("observers/executedCallbacks.ts", "actions/index.js"),
         "A plain value returned by a callback replaces the prop entirely. A dict returned for a Store "
         "replaces the whole dict: keys another response wrote in the meantime are gone."),
    Rule("R17", "Patch on arrival", "a Patch applies to the value current when the response arrives",
         ("actions/patch.ts", "actions/callbacks.ts"),
         "A Patch() response is a list of operations (assign, merge, append, delete, ...) that the renderer "
         "applies to the prop's value as it is when the response arrives. Patches that touch different "
         "keys therefore compose in any order."),
    Rule("R18", "error response", "a callback that raises changes nothing and triggers nothing",
         ("observers/executedCallbacks.ts", "actions/callbacks.ts"),
         "When a callback raises, the response is an error: no prop changes, no callback is requested, "
         "and the page keeps running (the error shows in the dev tools)."),
    Rule("R19", "execution group", "a request of the initial call is dropped when its group updated none "
         "of its Inputs",
         ("observers/requestedCallbacks.ts", "observers/storedCallbacks.ts"),
         "Requests made by the page-load call (R5) share an execution group. When one of them becomes "
         "ready, and every one of its Inputs is an output of the group's finished requests but none was "
         "actually updated (they all prevented or returned no_update), it is dropped instead of sent -- "
         "unless all its declared Inputs are ALL/ALLSMALLER patterns, or it has none."),
    Rule("R20", "renderer passes", "the renderer works in passes that take milliseconds and batch responses",
         ("observers/requestedCallbacks.ts", "utils/wait.ts"),
         "The renderer is single-threaded JavaScript that handles changes in passes of its observers, each "
         "costing a few milliseconds (medians measured in Chromium: 2.9 ms from the server finishing to the "
         "response applied; 3.7 ms from applied to the next request leaving, 5.3 ms for several outputs). "
         "Responses that land in one pass are all applied before any request they trigger is sent, so a "
         "newer request cannot supersede (R8) one whose response came in the same pass."),
    Rule("R21", "set_props side updates", "a response's set_props land when it arrives, even from a "
         "superseded request, and trigger like an applied output",
         ("actions/callbacks.ts", "observers/executingCallbacks.ts", "actions/index.js",
          "actions/dependencies_ts.ts"),
         "A callback's set_props(id, {prop: value}) calls go back with its response as sideUpdate. The "
         "renderer applies them as soon as the response arrives, before it checks whether the request was "
         "superseded (R8): a superseded request's main outputs are ignored, its side updates are not. They "
         "land before the response's own outputs and request the listeners of every prop they set, even "
         "for an equal value, with no predecessors (so R6 does not stop a set_props loop)."),
    Rule("R22", "mount changes", "components that set their own props on mount do so before the first "
         "request leaves",
         ("APIController.react.js", "components/dash-core-components/src/components/Location.react.js",
          "components/dash-core-components/src/components/Tabs.tsx",
          "components/dash-core-components/src/components/Store.react.js"),
         "The layout is drawn after the initial calls are requested, and a component that sets its own props "
         "while it mounts does so before anything is sent: its change merges into the initial requests and "
         "also runs callbacks with prevent_initial_call. A dcc.Location sets pathname, href, search and hash "
         "that the layout leaves unset to the page's address (--url); one set to another address with "
         "refresh=True reloads the page there. A dcc.Tabs without a value selects its first tab. Storage "
         "and persistence start empty, as on a first visit."),
    Rule("R23", "own changes refused", "what a component changes by itself at a time the model does not "
         "know is refused, never guessed",
         ("components/dash-core-components/src/fragments/Dropdown.tsx",
          "components/dash-core-components/src/fragments/RangeSlider.tsx",
          "components/dash-core-components/src/components/Slider.tsx",
          "components/dash-core-components/src/fragments/Graph.react.js"),
         "Lazily loaded components (Dropdown, Slider, Graph, date pickers) act once their code has been "
         "fetched: a Dropdown clears a value its options lack, a slider copies value into drag_value, a Graph "
         "reports relayoutData after plotly.js draws it. A callback reading such a prop is refused when the "
         "component would change it. check refuses a callback that reads a component type it does not know "
         "(--assume-user-only TYPE vouches for one); the table in docs/renderer-model.md lists the known ones."),
    Rule("R24", "no-output callbacks", "a callback with no outputs acts only through set_props, and is a "
         "request like any other",
         ("actions/dependencies.js", "actions/dependencies_ts.ts", "actions/callbacks.ts", "actions/index.js"),
         "A callback declared with no Output (Dash 3+) is named by a hash of its Inputs; its request carries "
         "no outputs, it merges and is superseded like any other (its identifier adds the hash), and it runs "
         "on load unless prevent_initial_call. Its body must return None (anything else is an error "
         "response); its set_props calls (R21) are its whole effect."),
    Rule("R25", "pattern-matching", "a MATCH callback is one request per matched id; ALL reads and writes "
         "lists; R7/R8 tell the matches apart, R6 does not",
         ("actions/dependencies.js", "actions/dependencies_ts.ts", "actions/callbacks.ts", "dash/_callback.py"),
         "A dict id with MATCH, ALL or ALLSMALLER names the layout's ids that match it. The renderer resolves "
         "such a callback into one request per set of MATCH values its first single Output matches (one "
         "alone when its Outputs have no MATCH). ALL gives the body a list of every match in layout order and "
         "takes a list back; ALLSMALLER lists the ids whose value sorts before the MATCH value. Requests for "
         "different MATCH values never merge (R7) or supersede (R8) each other, because their identity adds "
         "those values; but the chain that stops loops (R6) records the declared callback, so one instance "
         "prunes every other one further down its chain."),
    Rule("R26", "running", "running= props are set when the request leaves and set back when its response "
         "arrives, even a superseded one; a disabled control ignores the user",
         ("actions/callbacks.ts", "observers/prioritizedCallbacks.ts"),
         "A callback's running=[(Output, on, off)] props are set to `on` when its request is sent, after every "
         "request of that pass has read its values, and to `off` when the response arrives, whatever it is "
         "(data, PreventUpdate, error) and even when the request was superseded: a superseded request's answer "
         "re-enables a button while the newer request still runs. Both land as side updates do and trigger "
         "their listeners. A clientside callback's running= is never applied. A form control (html.Button, "
         "dcc.Input, ...) whose disabled prop is true ignores the user: a click on it never happens."),
    Rule("R27", "components as values", "components a callback writes are a value unless a callback names an id "
         "among them or among those they replace",
         ("observers/executedCallbacks.ts", "actions/dependencies_ts.ts", "actions/dependencies.js"),
         "When an applied prop holds components, the renderer crawls them for callbacks that name their ids "
         "(their initial calls, and ALL Inputs that gained an id) and drops the callbacks of components that "
         "left. When no callback names an id among the new components or the ones they replace, nothing is "
         "found: the components are a value, read back by a State as their JSON. check models that case and "
         "refuses the others, naming the ids."),
    Rule("R28", "no-Input callbacks", "a callback with no Input runs once, on load, and never again",
         ("actions/dependencies_ts.ts", "actions/dependencies.js", "observers/requestedCallbacks.ts"),
         "Dash accepts a callback with no Input. The page load requests it by its outputs like any callback "
         "(unless prevent_initial_call), with its States' values then; since nothing triggers it, it never "
         "runs again."),
    Rule("R29", "click timestamp", "a click sets n_clicks and n_clicks_timestamp in one change",
         ("components/dash-html-components/scripts/generate-components.js",
          "components/dash-core-components/src/components/Button.tsx",
          "components/dash-core-components/src/components/Input.tsx"),
         "An html component with an id (unless disable_n_clicks), and a dcc.Button, answer a click with one "
         "change of two props: n_clicks + 1 and n_clicks_timestamp = Date.now(). Each requests its own "
         "listeners, so a callback on the count and one on the timestamp both run for one click, and race like "
         "any two callbacks. Enter in a dcc.Input (n_submit) and a blur (n_blur) count the same way. A click "
         "bubbles: each html component with an id around the clicked one counts it too, unless the clicked "
         "control is disabled."),
    Rule("R30", "layout changes", "components a callback's Output brings run their callbacks; those of "
         "components that leave stop",
         ("observers/executedCallbacks.ts", "actions/dependencies_ts.ts", "actions/dependencies.js",
          "observers/requestedCallbacks.ts", "observers/executingCallbacks.ts", "actions/callbacks.ts"),
         "When an answer puts components with ids callbacks use into a children prop, each callback with an "
         "Output on a new component gets its initial call (unless prevent_initial_call), and each with an Input "
         "on one is requested as if it had changed, prevent_initial_call or not, unless its Outputs are all "
         "inside the new components too. An ALL Input that lost a component gets a final call. Requests of "
         "callbacks whose components left are dropped at the next pass; an answer in flight is then ignored. "
         "A callback reading children gets the components inside as they stand now, with what the user typed. "
         "At every pass a request whose Outputs resolve to another number than declared (an ALL Output "
         "matching no id, or several) is dropped when none resolve, else sent after the others of its "
         "priority. "
         "Components that set_props (or running=) puts into children join the page too, but nothing is "
         "requested for them: no initial call, no arrival; later changes to them fire their callbacks."),
    Rule("R31", "background callbacks", "a background callback's job is polled until it answers; a newer request "
         "outdates it, a cancel Input kills it, its set_props land as each poll brings them",
         ("actions/callbacks.ts", "dash/_callback.py", "dash/dash.py",
          "dash/background_callback/managers/diskcache_manager.py"),
         "A background=True callback's request starts a job on the server and stays in flight while the "
         "renderer polls it every interval ms (1000 by default). Each poll's answer lands at once: the job's "
         "set_props, then its progress, even for a superseded request. The answer holding the result sets the "
         "running= off props, then the progress defaults, then goes on as any response (R8). Any request the "
         "renderer sends outdates a job with the same outputs (its next poll ends with nothing applied, not "
         "even running= off) and kills a job whose cancel Input it has. A job whose first answer is not back "
         "yet is in no list: a quick second click neither outdates nor kills it, and its set_props still "
         "land. The job keeps one set_props entry, which each call replaces: of two calls for two components "
         "between polls, only the second reaches the page."),
)

_BY_ID = {r.id: r for r in RULES}


def get(rule_id: str) -> Rule:
    """The rule ``R8`` (also ``r8`` or ``8``); a clear :class:`ScenarioError` for an unknown one."""
    key = str(rule_id).strip().upper()
    if key.isdigit():
        key = "R" + key
    try:
        return _BY_ID[key]
    except KeyError:
        raise ScenarioError(f"unknown rule {rule_id!r}; the rules are R1 to R{len(RULES)}") from None


def label(rule_id: str) -> str:
    """``label("R8") -> "R8 superseded"``: the number followed by a few words."""
    return get(rule_id).tag


_CITE = re.compile(r"(?<![\w\-–])R(\d{1,2})\b(?![\-–])")


def cite(text: str) -> str:
    """Text with each bare rule number followed by its label: ``"(R8)"`` -> ``"(R8 superseded)"``.

    A number already followed by its label is left alone, so labelled text
    can pass through twice; ranges such as ``R1-R20`` are left alone too.
    """
    def sub(m: re.Match) -> str:
        rule = _BY_ID.get(f"R{m.group(1)}")
        if rule is None or m.string.startswith(" " + rule.label, m.end()):
            return m.group(0)
        return rule.tag
    return _CITE.sub(sub, text)


def describe(rule: Rule, width: int = 88) -> str:
    """One rule as ``callback-race rules R8`` prints it."""
    body = textwrap.fill(rule.text, width=width, initial_indent="  ", subsequent_indent="  ")
    sources = ", ".join(rule.sources)
    return f"{rule.tag}: {rule.title}\n{body}\n  source (plotly/dash): {sources}"
