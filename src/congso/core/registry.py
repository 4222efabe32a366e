"""The registry every module's actions live in (dossier actions, feedback case actions): one
object per action, registered once, its service bound by ``@REGISTRY.implements(name)``, listed
in registration order. A module's registry checks its own actions in ``check``; its actions
read their form input with ``parse_input``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as SchemaError


class _Action(Protocol):
    name: str
    service: Callable[..., Any] | None


A = TypeVar("A", bound=_Action)


class ActionRegistry(Generic[A]):
    def __init__(self) -> None:
        self._actions: dict[str, A] = {}

    def check(self, action: A) -> None:
        """Refuse (ValueError) an action this module's rules do not know."""

    def register(self, action: A) -> A:
        if action.name in self._actions:
            raise ValueError(f"action {action.name} registered twice")
        self.check(action)
        self._actions[action.name] = action
        return action

    def implements(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator binding a module's service to its action."""

        def bind(service: Callable[..., Any]) -> Callable[..., Any]:
            self._actions[name].service = service
            return service

        return bind

    def __getitem__(self, name: str) -> A:
        return self._actions[name]

    def get(self, name: str) -> A | None:
        return self._actions.get(name)

    def __iter__(self) -> Iterator[A]:
        return iter(self._actions.values())

    def __len__(self) -> int:
        return len(self._actions)

    def names(self) -> list[str]:
        return list(self._actions)


def parse_input(
    schema: type[BaseModel],
    data: Mapping[str, Any],
    *,
    message: str,
    checkboxes: bool = False,
) -> Any:
    """A browser form (or any mapping of strings) as an action's typed input; empty fields count
    as not given. ``checkboxes``: a boolean field missing from the form is False (an unticked
    box sends nothing). Bad input: a Vietnamese ValidationError, ``message`` with %(fields)s
    naming the fields by their titles."""
    wanted = {k: v for k, v in data.items() if k in schema.model_fields and v not in ("", None)}
    if checkboxes:
        for name, info in schema.model_fields.items():
            if info.annotation is bool and name not in wanted:
                wanted[name] = False
            elif info.annotation is bool:
                wanted[name] = str(wanted[name]).lower() in ("1", "on", "true", "yes")
    try:
        return schema.model_validate(wanted)
    except SchemaError as exc:
        names = []
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else ""
            found = schema.model_fields.get(key)
            names.append(str(found.title) if found and found.title else key)
        raise ValidationError(message % {"fields": ", ".join(dict.fromkeys(names))}) from exc
