"""Form widgets shared by the apps (their templates live with the page frame, in giaoban/shell)."""

from django import forms


class FilePickerInput(forms.FileInput):
    """A file box that speaks Vietnamese (ô chọn tệp).

    The browser's own control ("Choose File", "No file chosen") cannot be translated by the
    page, so it is hidden (still focusable and announced) behind a "Chọn tệp…" button and
    a line that names the chosen file; app.js fills the name in for any `.file-picker`.
    """

    template_name = "shell/widgets/file_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"]["class"] = " ".join(
            filter(None, [widget["attrs"].get("class"), "file-input"])
        )
        if widget["attrs"].get("id"):
            # The chosen file's name is read out with the field, after any help and errors.
            widget["name_id"] = f"{widget['attrs']['id']}_chosen"
            described = [widget["attrs"].get("aria-describedby"), widget["name_id"]]
            widget["attrs"]["aria-describedby"] = " ".join(filter(None, described))
        return context
