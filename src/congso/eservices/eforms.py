"""E-forms (tờ khai điện tử) as data: ProcedureVersion.form_schema → a Django form.

A schema is a list of fields::

    [{"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": true},
     {"name": "loai", "label": "Loại", "type": "select", "choices": ["A", "B"]}]

The schema is validated by congso.procedures.models.validate_form_schema (docs/procedures.md):
type is one of text, textarea, date, number, select (plus checkbox, rendered if the catalogue
allows it); choices (select only) are strings; optional "help".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.procedures.models import validate_form_schema


def _choices(field: dict[str, Any]) -> list[tuple[str, str]]:
    result = []
    for choice in field.get("choices") or []:
        if isinstance(choice, list | tuple) and len(choice) == 2:
            result.append((str(choice[0]), str(choice[1])))
        else:
            result.append((str(choice), str(choice)))
    return result


def _form_field(spec: dict[str, Any]) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec["label"],
        "required": bool(spec.get("required", False)),
        "help_text": spec.get("help", ""),
        "error_messages": {"required": _("Vui lòng nhập “%(label)s”.") % {"label": spec["label"]}},
    }
    kind = spec["type"]
    if kind == "text":
        return forms.CharField(max_length=int(spec.get("max_length") or 300), **common)
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common)
    if kind == "date":
        common["error_messages"]["invalid"] = _("Ngày không hợp lệ (dạng dd/mm/yyyy).")
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == "number":
        common["error_messages"]["invalid"] = _("Nhập một số.")
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if kind == "select":
        choices = [("", "— Chọn —"), *_choices(spec)]
        common["error_messages"]["invalid_choice"] = _("Lựa chọn không hợp lệ.")
        return forms.ChoiceField(choices=choices, **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    raise ValueError(kind)


def build_form_class(schema: list[dict[str, Any]]) -> type[forms.Form]:
    """A Form class with one field per schema entry, prefixed to avoid clashing with our own."""
    validate_form_schema(schema)  # the catalogue's own rule (procedures.models)
    fields = {f"ef_{spec['name']}": _form_field(spec) for spec in schema}
    return type("EForm", (forms.Form,), fields)


def form_initial(schema: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    return {f"ef_{spec['name']}": data.get(spec["name"]) for spec in schema if spec["name"] in data}


def cleaned_to_json(schema: list[dict[str, Any]], cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned values as JSON-safe data keyed by schema names (dates ISO, numbers as strings)."""
    result: dict[str, Any] = {}
    for spec in schema:
        value = cleaned.get(f"ef_{spec['name']}")
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        result[spec["name"]] = value
    return result


def display_rows(schema: list[dict[str, Any]], data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) pairs for showing a submitted e-form."""
    rows = []
    for spec in schema or []:
        value = data.get(str(spec.get("name", "")))
        if spec.get("type") == "checkbox":
            shown = str(_("Có")) if value else str(_("Không"))
        elif spec.get("type") == "date" and value:
            try:
                shown = dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                shown = str(value)
        elif spec.get("type") == "select":
            shown = dict(_choices(spec)).get(str(value), str(value or ""))
        else:
            shown = "" if value is None else str(value)
        rows.append((str(spec.get("label", "")), shown))
    return rows


def data_as_post(schema: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Stored data back into the shape a form expects, to validate it again at submission."""
    post: dict[str, Any] = {}
    for spec in schema:
        value = data.get(spec["name"])
        if value is None or value is False:
            continue
        post[f"ef_{spec['name']}"] = "on" if value is True else value
    return post


def raw_values(schema: list[dict[str, Any]], post: Any) -> dict[str, Any]:
    """What was typed, kept in the draft even when not yet valid (so nothing typed is lost)."""
    values: dict[str, Any] = {}
    for spec in schema:
        key = f"ef_{spec['name']}"
        if spec.get("type") == "checkbox":
            values[spec["name"]] = key in post
        elif key in post:
            values[spec["name"]] = str(post.get(key))[:5000]
    return values
