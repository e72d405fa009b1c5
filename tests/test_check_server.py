"""A simulated request answered by the app's real callback, as Dash's server answers it."""

from __future__ import annotations

import json
import random

import pytest

from conftest import APPS, Driver
from simulator.dashapp.convert import RealCallback
from simulator.dashapp.errors import Unsupported
from simulator.errors import NonExistentIdException

APP_NAMES = sorted(p.stem for p in APPS.glob("*.py") if not p.stem.startswith("_"))


def _cb(conv, name) -> RealCallback:
    return next(cb for cb in conv.callbacks if cb.name == name)


def test_answers_are_dash_s_own(real_app):
    conv = real_app("answers")
    answer = _cb(conv, "answer")
    assert answer.execute(["prevent"], ("word.value",)).kind == "prevent"                  # HTTP 204
    empty = answer.execute(["nothing"], ("word.value",))
    assert (empty.kind, empty.outputs) == ("data", {})                                    # 200, no outputs
    boom = answer.execute(["boom"], ("word.value",))
    assert boom.kind == "error" and "ValueError: boom" in boom.message                     # 500 (R18)
    ok = answer.execute(["hi"], ("word.value",))
    assert ok.outputs == {"a.children": "hi (word)"}                                      # ctx.triggered_id; b no_update


def test_patch_comes_back_in_wire_form_and_state_is_a_copy(real_app):
    from simulator.patch import apply_patch, is_patch
    conv = real_app("answers")
    count = _cb(conv, "count")
    state = {"n": 0}
    response = count.execute(["x", state], ("word.value",))
    assert state == {"n": 0}                        # R14: the body mutated a JSON copy, not the browser's value
    patch = response.outputs["data.data"]
    assert is_patch(patch) and apply_patch({"n": 0}, patch) == {"n": 0, "last": "x"}


def test_allow_duplicate_outputs_keep_dash_s_hash(real_app):
    conv = real_app("naive")
    spec_ids = [d["output"] for d in conv.spec.dependencies]
    first = _cb(conv, "update_first_name")
    assert first.wire_outputs == (spec_ids[0],) and spec_ids[0].startswith("user_data.data@")   # R11
    assert conv.app.graph.listeners(first.wire_outputs[0]) == []     # an @hash output triggers nothing


def test_set_props_on_a_dict_id_the_layout_lacks_is_refused_when_it_lands(real_app):
    """R21/R25: set_props to a dict id is modelled; one the layout has no component for is refused, naming it."""
    conv = real_app("refused/set_props")
    response = conv.callbacks[0].execute(["x"], ("name.value",))
    assert response.side == {'{"index":0,"type":"side"}.children': "touched"}
    d = Driver(conv.app)
    d.load()
    d.change({"name.value": "x"})
    with pytest.raises(NonExistentIdException, match=r"callback greet: set_props\('\{\"index\":0,\"type\":\"side\"\}'"):
        d.settle()


def test_returned_components_no_callback_names_are_a_value(real_app):
    conv = real_app("returns_component")
    response = conv.callbacks[0].execute(["x"], ("name.value",))
    assert response.outputs == {"out.children": {"props": {"children": "hello x"}, "type": "B",
                                                 "namespace": "dash_html_components"}}


def test_clock_is_simulated_and_clock_readers_are_not_memoised(real_app):
    conv = real_app("chained")
    first = _cb(conv, "update_first_name")
    a = first.execute(["x", {}], ("first_name.value",), now=0.0)
    b = first.execute(["x", {}], ("first_name.value",), now=5000.0)
    stamp_a, stamp_b = a.outputs["first_name_done.data"], b.outputs["first_name_done.data"]
    assert stamp_b - stamp_a == pytest.approx(5.0)           # time.time() reads the simulated clock, in seconds
    assert first.output_id in conv.server.clock_readers


def test_pure_answers_are_memoised(real_app):
    conv = real_app("patch")
    cb = _cb(conv, "update_first_name")
    cb.execute(["memo-test"], ("first_name.value",))
    calls = conv.server.calls
    cb.execute(["memo-test"], ("first_name.value",))
    assert conv.server.calls == calls


def _payloads(conv, rng):
    """Payloads a renderer could send: each callback with values from the layout and from the workloads."""
    from simulator.dashapp.workloads import inputs
    found, _ = inputs(conv.app.graph)
    layout = conv.app.graph.components
    pool = [None, "", "x", 0, 3, {}, {"first_name": "a"}] + [v for u in found for v in u.values[:3]]
    for cb in conv.app.graph.callbacks:   # pattern-matching ones as their instances (R25)
        for _ in range(6):
            args = []
            for dep in cb.inputs + cb.states:
                initial = layout[dep.id_key].initial.get(dep.component_property)
                args.append(rng.choice(pool + [initial]))
            changed = tuple(rng.sample([d.key for d in cb.inputs], k=rng.randint(0, len(cb.inputs))))
            yield cb, args, changed


@pytest.mark.parametrize("name", APP_NAMES)
def test_fast_path_and_flask_test_client_answer_identically(real_app, name):
    fast, slow = real_app(name), real_app(name, flask=True)
    rng = random.Random(name)
    for cb, args, changed in _payloads(fast, rng):
        other = slow.app.graph.callbacks[cb.index]
        a, b = cb.execute(args, changed, 100.0), other.execute(args, changed, 100.0)
        assert (a.kind, json.dumps(a.outputs, sort_keys=True), json.dumps(a.side), a.nbytes, a.elapsed) == \
               (b.kind, json.dumps(b.outputs, sort_keys=True), json.dumps(b.side), b.nbytes, b.elapsed), \
               (cb.name, args, changed)
        if a.kind == "error":
            assert a.message.split(":")[-1] == b.message.split(":")[-1]


def test_a_real_response_over_the_size_bound_is_refused_naming_the_callback(monkeypatch):
    """A real app's body past jsonvalue.MAX_BYTES stops the check as the model's own callbacks do."""
    from simulator import ScenarioError, jsonvalue
    from simulator.dashapp.server import Answer, to_response
    monkeypatch.setattr(jsonvalue, "MAX_BYTES", 2**12)
    body = {"multi": True, "response": {"s": {"data": "ab" * 4096}}}
    with pytest.raises(ScenarioError, match="callback grow: a response body of"):
        to_response(Answer(200, body, json.dumps(body)), "grow")
    small = {"multi": True, "response": {"s": {"data": "ab"}}}
    assert to_response(Answer(200, small, json.dumps(small)), "grow").outputs == {"s.data": "ab"}
