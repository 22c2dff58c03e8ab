"""The fast widget renderer writes exactly what Django's widget templates write."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from backoffice.form_rendering import FastWidgetRenderer
from customers.action_forms import ACTION_FORMS
from customers.forms import CustomerFilterForm
from tickets.message_forms import MessageForm, NoteForm

TRICKY = "<script>alert(\"x\")</script> & 'quotes'"

WIDGETS: list[tuple[str, forms.Widget, Any]] = [
    ("text", forms.TextInput(attrs={"maxlength": 64, "placeholder": TRICKY}), TRICKY),
    ("empty text", forms.TextInput(), None),
    ("hidden", forms.HiddenInput(), "token-123"),
    ("date", forms.DateInput(attrs={"type": "date"}), "2026-11-29"),
    ("number", forms.NumberInput(attrs={"min": 1, "step": "any"}), 5),
    ("email", forms.EmailInput(), "a&b@example.com"),
    ("password", forms.PasswordInput(), "secret"),
    ("checkbox on", forms.CheckboxInput(), True),
    ("checkbox off", forms.CheckboxInput(), False),
    ("boolean attrs", forms.TextInput(attrs={"required": True, "disabled": False}), "x"),
    ("safe value", forms.TextInput(), mark_safe("<b>kept</b>")),
    ("textarea", forms.Textarea(attrs={"rows": 2}), TRICKY + "\nsecond line"),
    ("empty textarea", forms.Textarea(), ""),
    (
        "select",
        forms.Select(choices=[("", "Any"), ("a", "A & B"), (1, TRICKY)]),
        "a",
    ),
    (
        "select with groups",
        forms.Select(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]),
        "y",
    ),
    ("multiple select", forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]), ["a", "b"]),
    ("radio", forms.RadioSelect(choices=[("a", "A"), ("b", "B")]), "b"),
    ("file", forms.ClearableFileInput(), None),
    ("required file", forms.ClearableFileInput(attrs={"required": True, "accept": ".pdf"}), None),
]


@pytest.mark.parametrize(("name", "widget", "value"), WIDGETS, ids=[w[0] for w in WIDGETS])
def test_each_widget_is_written_as_the_template_writes_it(
    name: str, widget: forms.Widget, value: Any
) -> None:
    attrs = {"id": f"id_{name.replace(' ', '_')}"}
    expected = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert widget.render("field", value, attrs=attrs, renderer=FastWidgetRenderer()) == expected


def forms_to_compare() -> list[forms.Form]:
    bound = CustomerFilterForm({"status": "dispute", "type": "bogus", "page_size": "50"})
    bound.is_valid()
    built = [CustomerFilterForm(), bound, MessageForm(prefix="reply"), NoteForm(prefix="note")]
    built += [form_class(initial={"form_token": "t"}) for form_class in ACTION_FORMS.values()]
    invalid = next(iter(ACTION_FORMS.values()))({"form_token": ""})
    invalid.is_valid()
    return [*built, invalid]


def test_the_app_forms_render_the_same_either_way() -> None:
    for form in forms_to_compare():
        for field in form:
            form.renderer = DjangoTemplates()
            template_html = str(field)
            form.renderer = FastWidgetRenderer()
            assert str(field) == template_html, f"{type(form).__name__}.{field.name}"


def test_the_app_renders_forms_with_the_fast_renderer(settings: Any) -> None:
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "backoffice.form_rendering.FastWidgetRenderer"
    get_default_renderer.cache_clear()
    assert isinstance(get_default_renderer(), FastWidgetRenderer)


def test_templates_are_compiled_once_per_process_with_debug_off(settings: Any) -> None:
    from django.template import engines
    from django.template.loaders.cached import Loader

    assert settings.DEBUG is False
    assert isinstance(engines["django"].engine.template_loaders[0], Loader)  # type: ignore[attr-defined]
