"""``Output``, ``Input`` and ``State``: the props a callback touches.

A *prop* is written ``"component_id.property"`` throughout the simulator, as
the renderer writes it (``combineIdAndProp``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DependencyException


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
        if isinstance(self.component_id, dict):
            raise DependencyException(
                f"{type(self).__name__}({self.component_id!r}, {self.component_property!r}): pattern-matching ids "
                "are not modelled yet (MATCH, ALL and ALLSMALLER callbacks); use a string component id")
        for name, value in (("component_id", self.component_id),
                            ("component_property", self.component_property)):
            if not isinstance(value, str) or not value:
                raise DependencyException(
                    f"{type(self).__name__}({self.component_id!r}, {self.component_property!r}): "
                    f"{name} must be a non-empty string")
        if "." in self.component_id:
            raise DependencyException(
                f"{type(self).__name__}({self.component_id!r}, ...): component ids cannot contain '.'")

    @property
    def key(self) -> str:
        return prop_key(self.component_id, self.component_property)

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
