"""``Output``, ``Input`` and ``State``: the props a callback touches.

A *prop* is written ``"component_id.property"`` throughout the simulator, as
the renderer writes it (``combineIdAndProp``); a dict id is written as the
renderer's ``stringifyId`` gives it (:mod:`.wildcards`, R25).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DependencyException
from . import wildcards


def prop_key(component_id: str, prop: str) -> str:
    return f"{component_id}.{prop}"


def split_key(key: str) -> tuple[str, str]:
    component_id, _, prop = key.rpartition(".")
    return component_id, prop.split("@")[0]


@dataclass(frozen=True)
class _Dependency:
    component_id: str
    component_property: str

    def __post_init__(self):
        if isinstance(self.component_id, dict):   # a pattern-matching id (R25)
            wildcards.check(self.component_id, f"{type(self).__name__}({self.component_id!r}, "
                                               f"{self.component_property!r})", wildcards=True)
            object.__setattr__(self, "component_id", dict(self.component_id))
        checked = [("component_property", self.component_property)]
        if not isinstance(self.component_id, dict):
            checked.insert(0, ("component_id", self.component_id))
        for name, value in checked:
            if not isinstance(value, str) or not value:
                raise DependencyException(
                    f"{type(self).__name__}({self.component_id!r}, {self.component_property!r}): "
                    f"{name} must be a non-empty string")
        if isinstance(self.component_id, str) and "." in self.component_id:
            raise DependencyException(
                f"{type(self).__name__}({self.component_id!r}, ...): component ids cannot contain '.'")

    def __hash__(self) -> int:   # a dict id is not hashable; its key is
        return hash((type(self).__name__, self.key))

    @property
    def id_key(self) -> str:
        """The component id as the renderer writes it (``stringifyId``; a string id as it is)."""
        return wildcards.id_key(self.component_id)

    @property
    def key(self) -> str:
        return prop_key(self.id_key, self.component_property)

    @property
    def dash_key(self) -> str:
        """The prop as Dash's Python side writes it: a wildcard as ``["MATCH"]`` (``stringify_id``)."""
        return prop_key(wildcards.dash_id(self.component_id), self.component_property)

    @property
    def pattern(self) -> bool:
        """A pattern-matching dependency: its id holds MATCH, ALL or ALLSMALLER (R25)."""
        return wildcards.is_pattern(self.component_id)

    @property
    def multi(self) -> bool:
        """It stands for a list of props (ALL or ALLSMALLER): the callback gets and returns a list."""
        return wildcards.is_multi(self.component_id)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Output(_Dependency):
    allow_duplicate: bool = False


@dataclass(frozen=True)
class Input(_Dependency):
    pass


@dataclass(frozen=True)
class State(_Dependency):
    pass


# @dataclass(frozen=True) gives each class a hash of its fields, and a dict id has none: hash by key.
Output.__hash__ = Input.__hash__ = State.__hash__ = _Dependency.__hash__
