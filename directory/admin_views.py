"""Import and export of the directory in the Wagtail admin; the rules are in directory.importing."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from backoffice.audit import record_event
from directory import importing
from directory import services as directory

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One row per service, with the columns of the export. Up to 5 MB."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, write nothing"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


def _require_manager(request):
    if request.user.is_superuser:
        return
    if not directory.managed_regions(request.user).exists() or not request.user.has_perm(
        "directory.add_service"
    ):
        raise PermissionDenied


def import_view(request):
    _require_manager(request)
    result = None
    file_error = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = importing.read_table(upload.read(), upload.name)
            except importing.ImportError_ as error:
                file_error = str(error)
            else:
                result = importing.import_services(
                    rows, user=request.user, dry_run=form.cleaned_data["dry_run"]
                )
                if result.written:
                    record_event(
                        "directory.import",
                        actor=request.user,
                        request=request,
                        details={
                            "created": result.count("create"),
                            "updated": result.count("update"),
                        },
                    )
    else:
        form = ImportForm()
    return render(
        request,
        "directory/admin/import.html",
        {
            "form": form,
            "result": result,
            "counts": {a: result.count(a) for a in ("create", "update", "unchanged")}
            if result
            else {},
            "file_error": file_error,
        },
    )


@require_GET
def export_view(request):
    if not (request.user.is_superuser or request.user.has_perm("directory.view_service")):
        raise PermissionDenied
    kind = request.GET.get("format", "csv")
    stamp = timezone.localdate().isoformat()
    if kind == "xlsx":
        content = importing.export_xlsx(directory.services_for_staff(request.user))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        kind = "csv"
        content = importing.export_csv(directory.services_for_staff(request.user))
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="directory-{stamp}.{kind}"'
    return response
