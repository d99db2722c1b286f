"""Files of a document: the document itself as .docx in its official layout, and its
recipients' table as .xlsx. Both for anyone who may see the document (out of scope: 404).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from giaoban.core.scope import VIEW, get_in_scope_or_404
from giaoban.documents import docx as document_docx
from giaoban.documents import excel
from giaoban.documents.views.register import visible_documents
from giaoban.exports.docx import DOCX_TYPE
from giaoban.exports.xlsx import XLSX_TYPE


def _document(request, pk):
    # Drafts only where the user writes or approves, as on the document's page.
    source = visible_documents(request.user).select_related(
        "issuer", "unit", "kind", "recipient_level"
    )
    return get_in_scope_or_404(source, request.user, VIEW, pk=pk)


def _file(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def docx(request, pk):
    """Văn bản (.docx): Hướng dẫn 36-HD/VPTW for a party body, Nghị định 30 for a command."""
    document = _document(request, pk)
    data = document_docx.document_docx(document)
    return _file(data, DOCX_TYPE, document_docx.filename(document))


@login_required
@require_GET
def recipients_xlsx(request, pk):
    """Nơi nhận (.xlsx): the recipients in the user's scope, and the summary per subtree."""
    document = _document(request, pk)
    data = excel.recipients_workbook(document, request.user, timezone.localdate())
    return _file(data, XLSX_TYPE, excel.filename(document))


urlpatterns = [
    path("<int:pk>/word/", docx, name="docx"),
    path("<int:pk>/noi-nhan/excel/", recipients_xlsx, name="recipients_xlsx"),
]
