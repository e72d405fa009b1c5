"""The ``callback_race`` pytest plugin: the ``never_diverges`` fixture.

Registered as a ``pytest11`` entry point, so an installed callback-race gives
every test suite ``def test_x(never_diverges): never_diverges(app)``.
"""

import pytest


@pytest.fixture
def never_diverges():
    """:func:`simulator.testing.assert_never_diverges`."""
    from .testing import assert_never_diverges
    return assert_never_diverges
