"""What crosses the wire: a callback gets its arguments, and the browser its outputs, as JSON parses them.

``Callback.execute`` encodes and decodes only containers and sums the
response size from its parts; this checks it against encoding the whole
argument list and the whole response, as the renderer's reference did, on any
values hypothesis draws: JSON ones, and ones JSON turns into something else
(tuples, int keys) or refuses (sets, circular lists).
"""

import json

from hypothesis import given, settings, strategies as st

from simulator import Dash, Input, Output, State, dcc, html
from simulator.app import Response
from simulator.context import running
from simulator.errors import PreventUpdate


def reference_execute(cb, args, changed, now=0.0):
    """Callback.execute as it was: one json.dumps/json.loads round trip for the arguments and the response."""
    dumps = lambda v: json.dumps(v, separators=(",", ":"), sort_keys=False)  # noqa: E731
    try:
        with running(changed, now):
            result = cb.func(*json.loads(dumps(args)))
    except PreventUpdate:
        return Response("prevent", nbytes=0)
    except Exception as exc:
        message = (f"Callback error updating {', '.join(o.key for o in cb.outputs)} in {cb.name}: "
                   f"{type(exc).__name__}: {exc}")
        return Response("error", message=message, nbytes=len(message))
    outputs = cb._outputs_of(result)
    if not outputs:
        return Response("prevent", nbytes=0)
    body = {}
    for key, value in outputs.items():
        cid, _, prop = key.rpartition(".")
        body.setdefault(cid, {})[prop] = value
    try:
        text = dumps({"multi": True, "response": body})
    except (TypeError, ValueError) as exc:
        message = f"Callback {cb.name} returned a value that is not JSON serializable: {exc}"
        return Response("error", message=message, nbytes=len(message))
    wire = json.loads(text)["response"]
    received = {key: wire[key.rpartition(".")[0]][key.rpartition(".")[2]] for key in outputs}
    return Response("data", outputs=received, nbytes=len(text.encode()))


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(SCALARS | st.sets(st.integers(), max_size=2),
                      lambda inner: (st.lists(inner, max_size=3) | st.tuples(inner, inner)
                                     | st.dictionaries(st.text() | st.integers(), inner, max_size=3)),
                      max_leaves=6)


def app_returning(outputs):
    """Two callbacks' worth of outputs over three components: grouped per component in the body."""
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s1"), dcc.Store(id="s2"), html.Div(id="d")]
    seen = {}

    @app.callback([Output("s1", "data"), Output("d", "children"), Output("s2", "data")],
                  Input("a", "value"), State("s1", "data"))
    def body(a, s1):
        seen["args"] = (a, s1)
        return outputs
    return app.callbacks[0], seen


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(st.lists(VALUES, min_size=3, max_size=3), st.lists(VALUES, min_size=2, max_size=2), st.floats())
def test_execute_receives_and_returns_what_a_whole_json_round_trip_gives(outputs, args, now):
    cb, seen = app_returning(outputs)
    expected = reference_execute(cb, args, ("a.value",), now)
    expected_args = seen.pop("args", None)
    got = cb.execute(args, ("a.value",), now)
    assert repr(seen.pop("args", None)) == repr(expected_args)  # repr: tells a tuple from a list, 1 from "1"
    assert (got.kind, got.message, got.nbytes) == (expected.kind, expected.message, expected.nbytes)
    assert repr(got.outputs) == repr(expected.outputs)


def test_a_circular_value_is_an_error_response_as_before():
    loop = []
    loop.append(loop)
    cb, _ = app_returning([loop, 1, 2])
    assert cb.execute(["x", None], ()).message == reference_execute(cb, ["x", None], ()).message
    assert "not JSON serializable" in cb.execute(["x", None], ()).message


@settings(max_examples=800, deadline=None, derandomize=True, database=None)
@given(VALUES, st.sampled_from([("s1", "data"), ("d", "children"), ("odd-id", "data")]))
def test_a_single_output_is_sized_and_received_as_the_whole_body(value, output):
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s1"), html.Div(id="d"), dcc.Store(id="odd-id")]
    app.callback(Output(*output), Input("a", "value"))(lambda a: value)
    cb = app.callbacks[0]
    got, expected = cb.execute(["x"], ()), reference_execute(cb, ["x"], ())
    assert (got.kind, got.message, got.nbytes, repr(got.outputs)) == \
        (expected.kind, expected.message, expected.nbytes, repr(expected.outputs))
