"""``Patch``: operations recorded by a callback and applied by the renderer on arrival (R17).

Expected values follow dash-renderer's ``actions/patch.ts`` (ramda's assocPath,
dissocPath, concat, insert, ...) and Dash's own ``tests/integration/test_patch.py``.
"""

import copy

import pytest
from conftest import Driver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Dash, Input, Output, Patch, dcc
from simulator.errors import InvalidPatchOperation
from simulator.patch import apply_patch, is_patch


def patched(value, build):
    """Record a Patch with ``build(p)`` and apply its wire form to ``value``."""
    p = Patch()
    build(p)
    wire = p.to_plotly_json()
    assert is_patch(wire)
    before = copy.deepcopy(value)
    out = apply_patch(value, wire)
    assert value == before                       # applying never mutates the value it started from
    return out


DATA = {"user": {"name": "john", "tags": ["a", "b", "c"], "n": 10},
        "rows": [{"id": 1, "v": [1, 2]}, {"id": 2, "v": [3]}]}


# --- one test per operation, at nested key / index paths ---------------------------

def test_patch_assign_at_nested_key_and_index_paths():
    def build(p):
        p["user"]["name"] = "jane"
        p["rows"][1]["id"] = 20
        p["user"]["tags"][-1] = "z"                      # negative index counts from the end
        p["new"]["deep"] = 1                             # missing dicts are created on the way
    out = patched(DATA, build)
    assert out["user"] == {"name": "jane", "tags": ["a", "b", "z"], "n": 10}
    assert out["rows"][1] == {"id": 20, "v": [3]}
    assert out["new"] == {"deep": 1}


def test_patch_merge_updates_a_nested_dict_and_creates_a_missing_one():
    def build(p):
        p["user"].update({"name": "jane", "age": 50})
        p["settings"].update(theme="dark")
    out = patched(DATA, build)
    assert out["user"] == {"name": "jane", "tags": ["a", "b", "c"], "n": 10, "age": 50}
    assert out["settings"] == {"theme": "dark"}


def test_patch_extend_a_nested_list_including_plus_equals():
    def build(p):
        p["user"]["tags"].extend(["d", "e"])
        p["rows"][0]["v"] += [9]
    out = patched(DATA, build)
    assert out["user"]["tags"] == ["a", "b", "c", "d", "e"]
    assert out["rows"][0]["v"] == [1, 2, 9]


def test_patch_delete_nested_key_and_index_and_missing_key_is_a_no_op():
    def build(p):
        del p["user"]["n"]
        del p["rows"][0]
        del p["user"]["tags"][-1]
        del p["nothing"]["here"]
    out = patched(DATA, build)
    assert out["user"] == {"name": "john", "tags": ["a", "b"]}
    assert out["rows"] == [{"id": 2, "v": [3]}]
    assert "nothing" not in out


def test_patch_insert_at_positive_negative_and_out_of_range_index():
    """Dash's test_pch001: insert(-1, x) puts x before the last item."""
    out = patched({"array": ["P", "I", "initial", "A", "E"]}, lambda p: p["array"].insert(-1, "neg"))
    assert out["array"] == ["P", "I", "initial", "A", "neg", "E"]
    out = patched({"array": ["a", "b"]}, lambda p: p["array"].insert(1, "x"))
    assert out["array"] == ["a", "x", "b"]
    out = patched({"array": ["a", "b"]}, lambda p: p["array"].insert(0, "x"))
    assert out["array"] == ["x", "a", "b"]
    out = patched({"array": ["a", "b"]}, lambda p: p["array"].insert(7, "x"))   # ramda: out of range appends
    assert out["array"] == ["a", "b", "x"]
    out = patched({"array": ["a", "b"]}, lambda p: p["array"].insert(-7, "x"))
    assert out["array"] == ["a", "b", "x"]


def test_patch_append_and_prepend_nested_and_on_a_missing_list():
    def build(p):
        p["user"]["tags"].append("d")
        p["user"]["tags"].prepend("0")
        p["rows"][1]["v"].append(4)
        p["fresh"].append(1)                            # ramda's append starts a missing list
        p["fresh2"].prepend(2)
    out = patched(DATA, build)
    assert out["user"]["tags"] == ["0", "a", "b", "c", "d"]
    assert out["rows"][1]["v"] == [3, 4]
    assert (out["fresh"], out["fresh2"]) == ([1], [2])


def test_patch_clear_reverse_remove():
    def build(p):
        p["user"]["tags"].reverse()
        p["rows"][0]["v"].clear()
        p["rows"].remove({"id": 2, "v": [3]})           # removes every deep-equal item
    out = patched(DATA, build)
    assert out["user"]["tags"] == ["c", "b", "a"]
    assert out["rows"] == [{"id": 1, "v": []}]
    assert patched({"d": {"a": 1}}, lambda p: p["d"].clear()) == {"d": {}}
    assert patched({"l": [1, 2, 1, 3]}, lambda p: p["l"].remove(1)) == {"l": [2, 3]}


def test_patch_add_sub_mul_div_at_a_nested_number():
    def build(p):
        p["user"]["n"] += 5
        p["user"]["n"] *= 2
        p["user"]["n"] -= 6
        p["user"]["n"] /= 4
    assert patched(DATA, build)["user"]["n"] == 6


def test_patch_operations_apply_in_the_order_they_were_recorded():
    def build(p):
        p["l"] = [1]
        p["l"].append(2)
        p["l"].reverse()
        del p["l"][0]
    assert patched({}, build) == {"l": [1]}


@pytest.mark.parametrize("build, start", [
    (lambda p: p["user"].extend([1]), {"user": {"a": 1}}),       # Extend on a dict
    (lambda p: p["missing"].extend([1]), {}),                    # ramda concat(undefined, ...) throws
    (lambda p: p["missing"].insert(0, 1), {}),                   # ramda insert(undefined) throws
    (lambda p: p["n"].reverse(), {"n": 3}),
    (lambda p: p["s"].__iadd__(1), {"s": "text"}),
    (lambda p: p["l"][5].__setitem__("x", 1), {"l": [1]}),
], ids=["extend-dict", "extend-missing", "insert-missing", "reverse-int", "add-str", "index-out-of-range"])
def test_patch_that_cannot_apply_raises_invalid_patch_operation(build, start):
    with pytest.raises(InvalidPatchOperation):
        patched(start, build)


def test_patch_returned_by_a_callback_is_applied_by_the_renderer():
    app = Dash()
    app.layout = [dcc.Input(id="x"), dcc.Store(id="s", data=copy.deepcopy(DATA))]

    @app.callback(Output("s", "data"), Input("x", "value"), prevent_initial_call=True)
    def tag(x):
        p = Patch()
        p["user"]["tags"].append(x)
        p["rows"][0]["id"] += 100
        return p

    d = Driver(app)
    d.load()
    d.change({"x.value": "new"})
    d.settle()
    data = d.value("s.data")
    assert data["user"]["tags"] == ["a", "b", "c", "new"]
    assert data["rows"][0]["id"] == 101


# --- R17: patches to different keys compose in either order ------------------------

KEYS = st.text(alphabet="abcdefgh", min_size=1, max_size=3)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-50, 50), st.text(alphabet="xyz", max_size=3))
VALUES = st.recursive(SCALARS, lambda c: st.lists(c, max_size=3) | st.dictionaries(KEYS, c, max_size=3),
                      max_leaves=6)
MISSING = object()


@st.composite
def key_operation(draw):
    """One operation on one top-level key, with an initial value it can apply to."""
    kind = draw(st.sampled_from(["assign", "merge", "extend", "append", "delete", "add", "nested"]))
    if kind == "assign":
        return draw(st.one_of(st.just(MISSING), VALUES)), kind, draw(VALUES)
    if kind in ("merge", "nested"):
        arg = draw(st.dictionaries(KEYS, VALUES, max_size=3)) if kind == "merge" else (draw(KEYS), draw(VALUES))
        return draw(st.dictionaries(KEYS, VALUES, max_size=3)), kind, arg
    if kind == "extend":
        return draw(st.lists(VALUES, max_size=3)), kind, draw(st.lists(VALUES, max_size=3))
    if kind == "append":
        return draw(st.one_of(st.just(MISSING), st.lists(VALUES, max_size=3))), kind, draw(VALUES)
    if kind == "delete":
        return draw(st.one_of(st.just(MISSING), VALUES)), kind, None
    return draw(st.integers(-100, 100)), kind, draw(st.integers(-100, 100))


@st.composite
def disjoint_patches(draw):
    keys = draw(st.lists(KEYS, min_size=2, max_size=6, unique=True))
    split = draw(st.integers(1, len(keys) - 1))
    ops = {k: draw(key_operation()) for k in keys}
    untouched = draw(st.dictionaries(KEYS.filter(lambda k: k not in ops), VALUES, max_size=3))
    initial = {k: init for k, (init, _, _) in ops.items() if init is not MISSING}
    initial.update(untouched)
    return initial, [(k, ops[k]) for k in keys[:split]], [(k, ops[k]) for k in keys[split:]]


def build_patch(ops) -> Patch:
    p = Patch()
    for key, (_, kind, arg) in ops:
        if kind == "assign":
            p[key] = arg
        elif kind == "merge":
            p[key].update(arg)
        elif kind == "extend":
            p[key].extend(arg)
        elif kind == "append":
            p[key].append(arg)
        elif kind == "delete":
            del p[key]
        elif kind == "add":
            p[key] += arg
        else:
            p[key][arg[0]] = arg[1]
    return p


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(disjoint_patches())
def test_r17_property_patches_to_different_keys_compose_in_either_order(case):
    initial, ops1, ops2 = case
    p1, p2 = build_patch(ops1).to_plotly_json(), build_patch(ops2).to_plotly_json()
    one_then_two = apply_patch(apply_patch(initial, p1), p2)
    two_then_one = apply_patch(apply_patch(initial, p2), p1)
    assert one_then_two == two_then_one
    alone1, alone2 = apply_patch(initial, p1), apply_patch(initial, p2)
    for key, _ in ops1:                       # each key ends as its own patch left it
        assert one_then_two.get(key, MISSING) == alone1.get(key, MISSING)
    for key, _ in ops2:
        assert one_then_two.get(key, MISSING) == alone2.get(key, MISSING)
    touched = {k for k, _ in ops1 + ops2}
    assert {k: v for k, v in one_then_two.items() if k not in touched} == \
           {k: v for k, v in initial.items() if k not in touched}


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(disjoint_patches(), st.booleans())
def test_r17_property_two_patch_callbacks_in_flight_compose_in_either_arrival_order(case, reverse):
    initial, ops1, ops2 = case
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), dcc.Store(id="s", data=initial)]
    for trigger, ops in (("a", ops1), ("b", ops2)):
        def body(_, ops=ops):
            return build_patch(ops)
        body.__name__ = f"patch_{trigger}"
        app.callback(Output("s", "data", allow_duplicate=True), Input(trigger, "value"),
                     prevent_initial_call=True)(body)
    d = Driver(app)
    d.load()
    sent = d.change({"a.value": 1, "b.value": 1})
    assert len(sent) == 2
    for req in (sent[::-1] if reverse else sent):
        assert d.respond(req) == "applied"
    expected = apply_patch(apply_patch(initial, build_patch(ops1).to_plotly_json()),
                           build_patch(ops2).to_plotly_json())
    assert d.value("s.data") == expected
