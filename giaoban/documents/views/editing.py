"""Soạn thảo, thẩm định, ban hành: the pages that write a document.

- create / edit: the draft form (services.create_draft / save_draft); each save that
  changes the text keeps a version, viewable with a line diff (version);
- send (POST) for review; return (a leader's note) to draft; issue, after a confirmation
  page showing the number to come, the recipients the rule reaches today, what they will
  owe and the warnings;
- metadata: after issue, only validity, secrecy grade, signing authority and place;
- link_add / link_remove: amends, replaces, repeals, implements.

Every lookup goes through the user's scope (out of it: 404); a user who may see the
document but not do the action gets 403 with the reason, a document in the wrong state 409.
The services decide; their `DocumentError.field` is put on the form field it names.
"""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaoban.core import paths, roles
from giaoban.core.scope import APPROVE, CHANGE, VIEW, can, get_in_scope_or_404, may, scope_q
from giaoban.core.text import fold
from giaoban.documents import forms, obligations, services
from giaoban.documents.models import Document, DocumentKind, DocumentLink
from giaoban.documents.services import DocumentError
from giaoban.units.forms import picker_label
from giaoban.units.models import Unit

S = Document.Status
L = DocumentLink.Kind
ISSUED_STATES = (S.ISSUED, S.REPLACED, S.REPEALED)
PREVIEW_UNITS = 8
LINK_RESULTS = 20
DIFF_CONTEXT = 3
PICK_LIMIT = 200  # units listed at once by the recipients finder


# ---------------------------------------------------------------- shared


STATUS_CSS = {S.DRAFT: "", S.REVIEW: "info", S.ISSUED: "ok"}  # the registers' colours


def documents(user):
    """The documents `user` may open (as the registers show them): issued ones in scope,
    belonging or addressed; drafts and those in review only where the user writes or
    approves (an ancestor's viewer does not read drafts)."""
    unissued = scope_q(user, CHANGE, "path") | scope_q(user, APPROVE, "path")
    return Document.objects.filter(Q(status__in=ISSUED_STATES) | unissued).select_related(
        "unit", "unit__level", "issuer", "kind"
    )


def get_document(request, pk):
    """The document if the user may open it, else 404."""
    return get_in_scope_or_404(documents(request.user), request.user, VIEW, pk=pk)


def status(document):
    """{status_label, status_css}: one name per status ("Hết hiệu lực" past the expiry)."""
    label = services.status_label(document)
    expired = document.status == S.ISSUED and label != S(document.status).label
    css = "closed" if expired else STATUS_CSS.get(document.status, "closed")
    return {"status_label": label, "status_css": css}


def page(document, **extra):
    """A page's context: the document, its status, and the rest."""
    return {"document": document, **(status(document) if document else {}), **extra}


def detail_url(document):
    return reverse("documents:detail", kwargs={"pk": document.pk})


def refuse(request, message, document=None, code=403, link=None):
    """The reason an action cannot be done here: 403 (not this user's to do) or 409 (not in
    this state), with the way back to the document."""
    context = page(document, message=message, link=link)
    return render(request, "documents/edit_refused.html", context, status=code)


def safe_next(request, default):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# Fields a service may name that a page's form does not show: the message says which.
OTHER_FIELDS = {
    "subject": _lazy("Trích yếu"),
    "body_text": _lazy("Nội dung"),
    "kind": _lazy("Loại văn bản"),
    "target": _lazy("Văn bản được dẫn chiếu"),
    "effective_to": _lazy("Hết hiệu lực ngày"),
}


def posted(request, files=False):
    """A form's data: bound on a POST even when empty (so "nothing sent" is an error)."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def put_error(form, error, rename=None):
    """A service's refusal onto the field it names (or the form as a whole, naming it)."""
    field = (rename or {}).get(error.field, error.field)
    if field in form.fields:
        form.add_error(field, error.message)
    elif field in OTHER_FIELDS:
        form.add_error(None, f"{OTHER_FIELDS[field]}: {error.message}")
    else:
        form.add_error(None, error.message)


def edit_refusal(request, document):
    """Why the draft cannot be changed by this user now (None: it can)."""
    if not can(request.user, CHANGE, document.unit):
        return refuse(
            request,
            _("Đồng chí không soạn, sửa được văn bản của %(unit)s.") % {"unit": document.unit.name},
            document,
        )
    if document.status != S.DRAFT:
        if document.status in ISSUED_STATES:
            message = _(
                "Văn bản đã ban hành: nội dung không sửa được nữa, chỉ sửa được hiệu lực, độ mật, "
                "thẩm quyền ký, địa danh."
            )
            link = (reverse("documents:metadata", kwargs={"pk": document.pk}), _("Sửa thông tin"))
        else:
            message = _("Dự thảo đang chờ thẩm định: chỉ sửa được khi lãnh đạo trả lại dự thảo.")
            link = None
        return refuse(request, message, document, code=409, link=link)
    return None


def review_refusal(request, document, issuing=False):
    """Why this user cannot review (return or issue) the document now (None: they can)."""
    if issuing and document.status in ISSUED_STATES:
        return refuse(
            request, _("Văn bản đã được ban hành, không ban hành lại."), document, code=409
        )
    if document.status == S.DRAFT:
        message = (
            _("Dự thảo phải được gửi thẩm định trước khi ban hành.")
            if issuing
            else _("Văn bản đang là dự thảo, chưa gửi thẩm định.")
        )
        return refuse(request, message, document, code=409)
    if document.status != S.REVIEW:
        return refuse(request, _("Văn bản không ở trạng thái chờ thẩm định."), document, 409)
    if not roles.is_leader_of(request.user, document.unit):
        return refuse(
            request,
            _("Chỉ lãnh đạo %(unit)s thẩm định, ban hành được văn bản này.")
            % {"unit": document.unit.name},
            document,
        )
    return None


def implemented(document):
    """The document a draft implements (for its deadlines), if any."""
    link = (
        document.links_out.filter(kind=L.IMPLEMENTS)
        .select_related("target", "target__issuer", "target__kind")
        .first()
    )
    return link.target if link else None


def warn(request, document):
    for warning in services.cascade_warnings(document):
        messages.warning(request, _("Cảnh báo: %(w)s") % {"w": warning})


# ---------------------------------------------------------------- create, edit


def _parent(request):
    """?implements=<pk>: an issued document the user may see, that the new plan implements."""
    raw = request.GET.get("implements") or request.GET.get("parent")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    parent = (
        Document.objects.restrict(request.user, VIEW)
        .filter(pk=int(raw), status=S.ISSUED)
        .select_related("issuer", "kind")
        .first()
    )
    if parent is None:
        raise Http404(_("Không tìm thấy văn bản được triển khai."))
    return parent


def _create_initial(request, parent):
    user = request.user
    if parent is not None:
        initial = forms.plan_initial(user, parent)
        initial["body"] = parent.issuer.body
        kind = DocumentKind.objects.filter(body=parent.issuer.body, abbreviation="KH").first()
        if kind is not None:
            initial["kind"] = str(kind.pk)
        return initial
    initial = {"recipient_rule": Document.Rule.CHILDREN}
    code = (request.GET.get("unit") or "").strip().upper()
    chosen = Unit.objects.restrict(user, CHANGE).filter(code=code).first() if code else None
    if chosen is not None:
        initial["unit"] = chosen
    elif user.unit_id and can(user, CHANGE, user.unit):
        initial["unit"] = user.unit
    return initial


def _form_context(request, form, document=None, parent=None):
    return {
        "form": form,
        "document": document,
        "parent": parent,
        "chosen_units": forms.explicit_labels(form),
        "obligation_fields": [form[name] for name in forms.DraftForm.DEADLINES],
    }


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """Soạn văn bản mới (?implements=<pk>: a plan implementing a document received)."""
    user = request.user
    parent = _parent(request)
    if not may(user, CHANGE):
        return refuse(request, _("Đồng chí không có đơn vị nào được soạn văn bản."))
    if request.method == "GET":
        form = forms.DraftForm(user=user, parent=parent, initial=_create_initial(request, parent))
        return render(
            request, "documents/edit_form.html", _form_context(request, form, parent=parent)
        )
    form = forms.DraftForm(request.POST, user=user, parent=parent)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                document = services.create_draft(
                    user, data["unit"], data["body"], **form.draft_fields()
                )
                if form.explicit():
                    services.set_explicit_units(document, user, form.explicit())
                if parent is not None:
                    services.add_link(document, parent, L.IMPLEMENTS, user)
        except DocumentError as error:
            if error.forbidden:
                return refuse(request, error.message)
            put_error(form, error, rename={"target": "unit"})
        else:
            messages.success(
                request,
                _("Đã lưu dự thảo “%(subject)s”. Khi hoàn chỉnh, đồng chí gửi thẩm định.")
                % {"subject": document.subject},
            )
            warn(request, document)
            return redirect(detail_url(document))
    context = _form_context(request, form, parent=parent)
    return render(request, "documents/edit_form.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """Sửa dự thảo: each save that changes the text keeps a version."""
    user = request.user
    document = get_document(request, pk)
    refusal = edit_refusal(request, document)
    if refusal is not None:
        return refusal
    parent = implemented(document)
    if request.method == "GET":
        form = forms.DraftForm(
            user=user, document=document, parent=parent, initial=forms.draft_initial(document)
        )
        return render(request, "documents/edit_form.html", _edit_context(request, form, document))
    form = forms.DraftForm(request.POST, user=user, document=document, parent=parent)
    if form.is_valid():
        before = document.versions.count()
        try:
            with transaction.atomic():
                document = services.save_draft(document, user, **form.draft_fields())
                services.set_explicit_units(document, user, form.explicit())
        except DocumentError as error:
            if error.forbidden:
                return refuse(request, error.message, document)
            put_error(form, error)
        else:
            version = document.versions.count()
            if version > before:
                done = _("Đã lưu dự thảo (phiên bản %(n)s).") % {"n": version}
            else:
                done = _(
                    "Đã lưu dự thảo; trích yếu và nội dung không đổi nên không thêm phiên bản."
                )
            messages.success(request, done)
            warn(request, document)
            return redirect(detail_url(document))
    return render(
        request, "documents/edit_form.html", _edit_context(request, form, document), status=400
    )


def _edit_context(request, form, document):
    context = _form_context(request, form, document, implemented(document))
    context.update(
        versions=list(document.versions.select_related("created_by").order_by("-number")),
        attachments=list(document.attachments.filter(recipient__isnull=True)),
        links=list(document.links_out.select_related("target")),
    )
    return context


# ---------------------------------------------------------------- versions


def line_diff(old, new, context=DIFF_CONTEXT):
    """[(op, text)] with op "equal", "del", "ins" or "skip" (text: how many lines), equal
    runs cut to `context` lines around each change."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            rows += [("del", line) for line in a[i1:i2]]
            rows += [("ins", line) for line in b[j1:j2]]
            continue
        lines = a[i1:i2]
        head = lines[:context] if index > 0 else []
        tail = lines[-context:] if index < len(opcodes) - 1 else []
        if len(lines) <= len(head) + len(tail) + 1:
            rows += [("equal", line) for line in lines]
            continue
        rows += [("equal", line) for line in head]
        rows.append(("skip", len(lines) - len(head) - len(tail)))
        rows += [("equal", line) for line in tail]
    return rows


@login_required
@require_GET
def version(request, pk, number):
    """One saved version of the text, the others, and what changed since the previous one."""
    document = get_document(request, pk)
    versions = list(document.versions.select_related("created_by").order_by("-number"))
    current = next((v for v in versions if v.number == number), None)
    if current is None:
        raise Http404(_("Văn bản không có phiên bản này."))
    previous = next((v for v in versions if v.number < number), None)
    diff = line_diff(previous.body_text, current.body_text) if previous else []
    context = {
        "document": document,
        "version": current,
        "previous": previous,
        "versions": versions,
        "diff": diff,
        "added": sum(1 for op, _t in diff if op == "ins"),
        "removed": sum(1 for op, _t in diff if op == "del"),
        "subject_changed": previous is not None and previous.subject != current.subject,
        "lines": current.body_text.splitlines(),
    }
    return render(request, "documents/version.html", context)


# ---------------------------------------------------------------- review


@login_required
@require_POST
def send(request, pk):
    """Gửi thẩm định: the draft goes to the issuing unit's leaders."""
    document = get_document(request, pk)
    refusal = edit_refusal(request, document)
    if refusal is not None:
        return refusal
    try:
        services.send_for_review(document, request.user)
    except DocumentError as error:
        return refuse(request, error.message, document, code=403 if error.forbidden else 409)
    messages.success(
        request,
        _("Đã gửi dự thảo thẩm định: lãnh đạo %(unit)s xem xét, trả lại hoặc ban hành.")
        % {"unit": document.unit.name},
    )
    return redirect(detail_url(document))


@login_required
@require_http_methods(["GET", "POST"])
def return_to_draft(request, pk):
    """Trả lại dự thảo, with the reviewer's note."""
    document = get_document(request, pk)
    refusal = review_refusal(request, document)
    if refusal is not None:
        return refusal
    form = forms.ReturnForm(*posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.return_to_draft(document, request.user, form.cleaned_data["review_note"])
            except DocumentError as error:
                if error.forbidden:
                    return refuse(request, error.message, document)
                put_error(form, error)
            else:
                messages.success(request, _("Đã trả lại dự thảo kèm ý kiến thẩm định."))
                return redirect(detail_url(document))
    context = {"document": document, "form": form}
    return render(request, "documents/edit_return.html", context, status=status)


# ---------------------------------------------------------------- issue


def _issue_context(request, document, form, day, error_field=None):
    explicit = list(document.explicit_units.all())
    preview, rule_error = [], None
    try:
        preview = obligations.resolve(document, day, explicit)
    except obligations.RuleError as error:
        rule_error = str(error)
    owed = []
    for o in obligations.asked(document):
        deadline = getattr(document, o.deadline_field)
        owed.append({"obligation": o, "deadline": deadline, "too_early": deadline < day})
    return {
        "document": document,
        "form": form,
        "day": day,
        "symbol": services.next_symbol(document, day),
        "recipient_count": len(preview),
        "recipient_first": [unit for unit, _path in preview[:PREVIEW_UNITS]],
        "recipient_more": max(0, len(preview) - PREVIEW_UNITS),
        "rule_error": rule_error,
        "owed": owed,
        "warnings": services.cascade_warnings(document),
        "links": list(document.links_out.select_related("target")),
        "attachments": document.attachments.filter(recipient__isnull=True).count(),
        "error_field": error_field,
    }


@login_required
@require_http_methods(["GET", "POST"])
def issue(request, pk):
    """Ban hành: a confirmation page for the leader, then the issue itself (POST)."""
    document = get_document(request, pk)
    refusal = review_refusal(request, document, issuing=True)
    if refusal is not None:
        return refusal
    today = timezone.localdate()
    if request.method == "GET":
        form = forms.IssueForm()
        return render(
            request, "documents/issue.html", _issue_context(request, document, form, today)
        )
    form = forms.IssueForm(request.POST)
    error_field = None
    if form.is_valid():
        day = form.cleaned_data["issue_date"]
        try:
            document, warnings = services.issue(document, request.user, day)
        except DocumentError as error:
            if error.forbidden:
                return refuse(request, error.message, document)
            document.refresh_from_db()
            if document.status != S.REVIEW:  # issued meanwhile by someone else
                return refuse(request, error.message, document, code=409)
            put_error(form, error)
            error_field = error.field
        else:
            messages.success(
                request,
                _("Đã ban hành văn bản số %(symbol)s, gửi %(n)s đơn vị.")
                % {"symbol": document.symbol, "n": document.recipients.count()},
            )
            for warning in warnings:
                messages.warning(request, _("Cảnh báo: %(w)s") % {"w": warning})
            return redirect(detail_url(document))
    day = form.cleaned_data.get("issue_date") if form.is_bound and form.is_valid() else today
    context = _issue_context(request, document, form, day or today, error_field)
    return render(request, "documents/issue.html", context, status=400)


# ---------------------------------------------------------------- after issue


@login_required
@require_http_methods(["GET", "POST"])
def metadata(request, pk):
    """Thông tin sau ban hành: validity, secrecy grade, signing authority, place (audited)."""
    document = get_document(request, pk)
    if not can(request.user, CHANGE, document.unit):
        return refuse(
            request,
            _("Đồng chí không sửa được thông tin văn bản của %(unit)s.")
            % {"unit": document.unit.name},
            document,
        )
    if document.status not in ISSUED_STATES:
        link = None
        if document.status == S.DRAFT:
            link = (reverse("documents:edit", kwargs={"pk": document.pk}), _("Sửa dự thảo"))
        return refuse(
            request,
            _("Văn bản chưa ban hành: thông tin được sửa cùng dự thảo."),
            document,
            code=409,
            link=link,
        )
    initial = {name: getattr(document, name) for name in services.META_FIELDS}
    form = forms.MetadataForm(*posted(request), initial=initial)
    status, error_field = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "effective_from": data.get("effective_from"),
                "effective_to": data.get("effective_to"),
                "secrecy": data.get("secrecy") or "",
                "signer_title": data.get("signer_title") or "",
                "place": data.get("place") or "",
            }
            # The text is frozen: a changed subject or body sent anyway is refused by name.
            for name in ("subject", "body_text"):
                if name in request.POST and forms.text(request.POST[name]) != getattr(
                    document, name
                ):
                    fields[name] = request.POST[name]
            try:
                services.change_metadata(document, request.user, **fields)
            except DocumentError as error:
                if error.forbidden:
                    return refuse(request, error.message, document)
                put_error(form, error)
                error_field = error.field
            else:
                messages.success(request, _("Đã lưu thông tin văn bản."))
                return redirect(detail_url(document))
    context = {"document": document, "form": form, "error_field": error_field}
    return render(request, "documents/metadata.html", context, status=status)


# ---------------------------------------------------------------- links


def _candidates(request, document, kind, q):
    """Issued documents the user may see that the draft may point at (services.may_link):
    for "implements", those its unit received or issued itself; for the others, those of a
    body of the same kind at the unit or below it."""
    found = (
        Document.objects.restrict(request.user, VIEW)
        .filter(status=S.ISSUED)
        .exclude(pk=document.pk)
        .select_related("kind", "issuer")
    )
    if kind == L.IMPLEMENTS:
        found = found.filter(Q(recipients__unit=document.unit) | Q(unit=document.unit)).distinct()
    elif kind:
        found = found.filter(paths.subtree_q(document.path), issuer__body=document.issuer.body)
    for word in fold(q).split():
        found = found.filter(search_text__contains=word)
    return list(found.order_by("-issue_date", "-pk")[:LINK_RESULTS])


@login_required
@require_http_methods(["GET", "POST"])
def link_add(request, pk):
    """Liên kết văn bản: amends, replaces, repeals or implements an issued document."""
    document = get_document(request, pk)
    refusal = edit_refusal(request, document)
    if refusal is not None:
        return refusal
    search = forms.LinkSearchForm(request.GET or None)
    kind, q = L.IMPLEMENTS, ""
    if search.is_valid():
        kind, q = search.cleaned_data["kind"], search.cleaned_data["q"]
    link_form = forms.LinkForm(*posted(request), initial={"kind": kind})
    status = 200
    if request.method == "POST":
        status = 400
        if link_form.is_valid():
            kind = link_form.cleaned_data["kind"]
            target = (
                Document.objects.restrict(request.user, VIEW)
                .filter(pk=link_form.cleaned_data["target"])
                .first()
            )
            if target is None:
                link_form.add_error(
                    "target", _("Không tìm thấy văn bản này trong phạm vi của đồng chí.")
                )
            else:
                try:
                    services.add_link(document, target, kind, request.user)
                except DocumentError as error:
                    if error.forbidden:
                        return refuse(request, error.message, document)
                    put_error(link_form, error)
                else:
                    messages.success(
                        request,
                        _("Đã liên kết: %(kind)s văn bản %(target)s.")
                        % {"kind": L(kind).label, "target": target},
                    )
                    warn(request, document)
                    return redirect(detail_url(document))
        if link_form.data.get("kind") in L.values:
            kind = link_form.data["kind"]
        search = forms.LinkSearchForm(initial={"kind": kind, "q": q})
    context = {
        "document": document,
        "search": search,
        "link_form": link_form,
        "kind": kind,
        "kind_label": L(kind).label,
        "q": q,
        "results": _candidates(request, document, kind, q),
        "links": list(document.links_out.select_related("target")),
        "chosen": str(link_form.data.get("target", "")) if link_form.is_bound else "",
    }
    return render(request, "documents/link_add.html", context, status=status)


@login_required
@require_POST
def link_remove(request, pk):
    """Bỏ một liên kết của dự thảo."""
    visible = Document.objects.restrict(request.user, VIEW)
    link = (
        DocumentLink.objects.filter(pk=pk, source__in=visible)
        .select_related("source", "source__unit", "target")
        .first()
    )
    if link is None:
        raise Http404
    refusal = edit_refusal(request, link.source)
    if refusal is not None:
        return refusal
    try:
        services.remove_link(link, request.user)
    except DocumentError as error:
        return refuse(request, error.message, link.source)
    messages.success(request, _("Đã bỏ liên kết với văn bản %(doc)s.") % {"doc": link.target})
    return redirect(safe_next(request, detail_url(link.source)))


# ---------------------------------------------------------------- the recipients picker


def _pick_unit(user, code):
    code = (code or "").split(" — ", 1)[0].strip().upper()
    if not code:
        return None
    return Unit.objects.restrict(user, VIEW).filter(code=code).first()


@login_required
@require_GET
def pick_units(request):
    """JSON for the explicit recipients' finder (edit.js): units of the user's view scope below
    the issuing unit (`under`), optionally within another unit (`within`) and of one level,
    matching `q` without diacritics — so 3,355 units are found by typing or filtering, never
    listed in one select."""
    user = request.user
    text = (request.GET.get("q") or "").strip()[:100]
    level = request.GET.get("level") or ""
    if "\x00" in text or (level and not level.isdigit()):
        return JsonResponse({"results": [], "more": False})
    under = _pick_unit(user, request.GET.get("under"))
    within = _pick_unit(user, request.GET.get("within"))
    if len(text) < 2 and not level and within is None:
        return JsonResponse({"results": [], "more": False})
    today = timezone.localdate()
    found = Unit.objects.restrict(user, VIEW).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=today)
    )
    for base in (under, within):
        if base is not None:
            found = found.filter(path__startswith=base.path).exclude(pk=base.pk)
    if level:
        found = found.filter(level_id=int(level))
    if text:
        found = found.search(text)
    rows = list(found.select_related("level", "parent").order_by("path")[: PICK_LIMIT + 1])
    results = [
        {
            "code": u.code,
            "label": picker_label(u),
            "level": u.level.name,
            "parent": u.parent.short_name if u.parent_id else "",
        }
        for u in rows[:PICK_LIMIT]
    ]
    response = JsonResponse({"results": results, "more": len(rows) > PICK_LIMIT})
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("chon-don-vi/", pick_units, name="pick_units"),
    path("moi/", create, name="create"),
    path("<int:pk>/sua/", edit, name="edit"),
    path("<int:pk>/phien-ban/<int:number>/", version, name="version"),
    path("<int:pk>/gui-tham-dinh/", send, name="send"),
    path("<int:pk>/tra-lai/", return_to_draft, name="return"),
    path("<int:pk>/ban-hanh/", issue, name="issue"),
    path("<int:pk>/thong-tin/", metadata, name="metadata"),
    path("<int:pk>/lien-ket/", link_add, name="link_add"),
    path("lien-ket/<int:pk>/xoa/", link_remove, name="link_remove"),
]
