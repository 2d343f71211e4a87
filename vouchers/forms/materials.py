"""Forms of the application materials (材料清单): the manager's list, the enterprise's files."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.uploads import MAX_UPLOAD_BYTES, Upload
from vouchers.forms.fields import OnceForm, reason_field
from vouchers.models.materials import MaterialFileType
from vouchers.services.application_materials import material_label

BLANK_ROWS = 3
ACCEPT = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg,.jpeg"}


class ProgramMaterialsForm(OnceForm):
    """One row per material of the current list, and BLANK_ROWS empty ones to add more;
    a row whose name is cleared is removed from the list."""

    reason = reason_field(_("修改原因"))

    def __init__(self, *args, materials: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        rows = [*materials, *({} for _ in range(BLANK_ROWS))]
        self.rows = []
        for index, material in enumerate(rows, start=1):
            prefix = f"m{index}"
            self.fields[f"{prefix}_key"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=material.get("key", ""))
            self.fields[f"{prefix}_name"] = forms.CharField(
                label=_("材料名称"), max_length=64, required=False,
                initial=material.get("name", ""))
            self.fields[f"{prefix}_name_en"] = forms.CharField(
                label=_("英文名称"), max_length=128, required=False,
                initial=material.get("name_en", ""))
            self.fields[f"{prefix}_required"] = forms.BooleanField(
                label=_("必需"), required=False, initial=material.get("required", True))
            self.fields[f"{prefix}_types"] = forms.MultipleChoiceField(
                label=_("接受的文件类型"), choices=MaterialFileType.choices, required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=material.get("types", list(MaterialFileType.values)))
            self.rows.append([self[f"{prefix}_{name}"]
                              for name in ("name", "name_en", "required", "types")])

    def materials(self) -> list[dict]:
        """The rows with a name, in order, as the service takes them."""
        data, count = self.cleaned_data, len(self.rows)
        return [
            {"key": data[f"m{i}_key"], "name": data[f"m{i}_name"],
             "name_en": data[f"m{i}_name_en"], "required": data[f"m{i}_required"],
             "types": data[f"m{i}_types"]}
            for i in range(1, count + 1) if data[f"m{i}_name"].strip()
        ]


def add_document_fields(form: forms.Form, *, materials: list[dict],
                        kept: dict[str, str] | None = None) -> None:
    """A file field `document_<key>` per material. The service decides what is missing (the
    same message on the page and in the API); `kept` names a material's current file."""
    for material in materials:
        required = _("必需") if material["required"] else _("可选")
        types = "、".join(str(MaterialFileType(t).label) for t in material["types"])
        help_text = _("%(required)s；接受%(types)s，不超过 10 MB") % {
            "required": required, "types": types}
        if kept and material["key"] in kept:
            help_text = _("%(help)s。已上传：%(name)s；上传新文件将保存为新版本，原文件保留") % {
                "help": help_text, "name": kept[material["key"]]}
        form.fields[f"document_{material['key']}"] = forms.FileField(
            label=material_label(material), required=False, help_text=help_text,
            widget=forms.ClearableFileInput(attrs={
                "accept": ",".join(ACCEPT[t] for t in material["types"])}),
        )


def uploads_of(form: forms.Form) -> dict[str, Upload]:
    """The files chosen on the form, by material key (one byte over the limit is read so the
    upload check refuses an oversized file)."""
    uploads = {}
    for name, value in form.cleaned_data.items():
        if name.startswith("document_") and value:
            uploads[name.removeprefix("document_")] = Upload(
                name=value.name or "", content=value.read(MAX_UPLOAD_BYTES + 1))
    return uploads
