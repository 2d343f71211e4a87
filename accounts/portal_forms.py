"""The one base of the portal's forms: how choices, dates and files are presented.

Every form of the pages derives from `PortalForm` (tests/views/test_form_presentation.py walks
them), so a select starts with "请选择…" instead of Django's "---------", a date is a date
picker and an upload shows a localised "选择文件" button; validation is Django's own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

CHOOSE = _("请选择…")
DASHES = "---------"


class DatePicker(forms.DateInput):
    """The browser's date picker; its value is ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimePicker(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ChooseFileInput(forms.ClearableFileInput):
    """A visually hidden file input inside a label whose text is translated ("选择文件"): the
    browser's own button speaks the browser's language. static/js/file-choice.js shows the
    chosen name; without it the label still opens the picker and the form still posts."""

    template_name = "widgets/choose_file.html"


def _placeholder_choices(choices: list[Any]) -> list[Any]:
    return [(value, CHOOSE) if value in ("", None) and label in (DASHES, "") else (value, label)
            for value, label in choices]


def present_field(field: forms.Field) -> None:
    """Give one field the portal's presentation (the select prompt, pickers, the file button)."""
    widget = field.widget
    if isinstance(field, forms.ModelChoiceField):  # its choices are a query: left unread
        if field.empty_label == DASHES:
            field.empty_label = CHOOSE
    elif isinstance(field, forms.NullBooleanField) and type(widget) is forms.NullBooleanSelect:
        widget.choices = [("unknown", CHOOSE), ("true", _("是")), ("false", _("否"))]
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        has_blank = any(value in ("", None) for value, _label in choices)
        if has_blank:
            field.choices = _placeholder_choices(choices)
        elif type(widget) is forms.Select and field.required and field.initial is None:
            field.choices = [("", CHOOSE), *choices]
    if isinstance(field, forms.DateTimeField) and type(widget) is forms.DateTimeInput:
        field.widget = DateTimePicker(widget.attrs)
    elif isinstance(field, forms.DateField) and type(widget) is forms.DateInput:
        field.widget = DatePicker(widget.attrs)
    elif isinstance(field, forms.FileField) and type(widget) in (
        forms.ClearableFileInput, forms.FileInput
    ):
        field.widget = ChooseFileInput(widget.attrs)
    field.widget.is_required = field.required


class PortalFormMixin:
    """Applies `present_field` to each field of a form (plain or Django's own, e.g. login)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            present_field(field)


class PortalForm(PortalFormMixin, forms.Form):
    """The base of every form of the pages."""
