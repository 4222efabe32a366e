"""A stored, folded copy of another text field, for diacritic-insensitive search."""

from __future__ import annotations

from typing import Any

from django.db import models

from .normalize import fold


class FoldedField(models.CharField):  # type: ignore[type-arg]
    """``fold(source)`` (search.normalize), written whenever the row is: the value is computed
    in ``pre_save``, which ``save()``, ``bulk_create`` and ``congso.core.rows.insert_rows`` all
    call. A ``QuerySet.update()`` of the source does not refresh it: change the source through
    ``save()`` or ``update_columns`` with both names."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = fold(getattr(model_instance, self.source))[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value
