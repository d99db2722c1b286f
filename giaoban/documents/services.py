"""The life of a document: draft → in review → issued → replaced or repealed.

- A draft is written by an officer of the issuing unit (or of a unit above it): each
  save that changes the text keeps the earlier text as a version.
- An officer sends it for review (thẩm định); a leader of the issuing unit returns it
  with a note, or issues it (ban hành).
- Issuing allocates the number (numbering.py), resolves the recipients on the issue
  date (obligations.resolve), freezes the text, applies its links (a replaced or
  repealed document says so from then on; a plan implementing a document it received
  meets that obligation) and notifies the recipients' people — all or nothing.
- After issue only metadata may change (validity, secrecy grade), audited like any save.

Only the issuing body or a unit above it may amend, replace or repeal a document
(Quy định 66-QĐ/TW); a document may implement only one its unit received.
Every function takes the acting user and checks it; errors are `DocumentError`, with a
Vietnamese message and the field it is about.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.registry import BulkWriter, mark, snapshot, take_snapshot, write
from giaoban.core import roles, uploads
from giaoban.core.scope import APPROVE, CHANGE, VIEW, can, scope_q
from giaoban.core.text import fold
from giaoban.documents import numbering, obligations
from giaoban.documents.models import (
    Attachment,
    Document,
    DocumentKind,
    DocumentLink,
    DocumentVersion,
    IssuingBody,
    NumberCounter,
    Recipient,
)
from giaoban.notifications.services import notify_all

S = Document.Status
L = DocumentLink.Kind
MAX_BODY_CHARS = 200_000
MAX_RESULTS_CHARS = 20_000
META_FIELDS = ("effective_from", "effective_to", "secrecy", "signer_title", "place")
DRAFT_FIELDS = (
    "kind",
    "subject",
    "body_text",
    "secrecy",
    "effective_from",
    "effective_to",
    "signer_title",
    "place",
    "recipient_rule",
    "recipient_level",
    "disseminate_by",
    "plan_by",
    "report_by",
)
RECEIVED_NOTICE = "documents.received"


class DocumentError(Exception):
    """A refused action; `field` names the form field it is about (None: the whole)."""

    def __init__(self, message, field=None, forbidden=False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.forbidden = forbidden


# ---------------------------------------------------------------- who may do what


ISSUED_STATES = (Document.Status.ISSUED, Document.Status.REPLACED, Document.Status.REPEALED)


def visible_documents(user):
    """The documents `user` may open: issued ones in scope (belonging or addressed), and
    unissued ones (drafts, in review) only within the scope where the user writes or
    approves. Every page, the API and the other apps (through `public`) ask this."""
    unissued = scope_q(user, CHANGE, "path") | scope_q(user, APPROVE, "path")
    return Document.objects.restrict(user, VIEW).filter(Q(status__in=ISSUED_STATES) | unissued)


def may_draft(user, unit):
    return can(user, CHANGE, unit)


def may_edit(user, document):
    return document.status == S.DRAFT and can(user, CHANGE, document.unit)


def may_send(user, document):
    return may_edit(user, document)


def may_review(user, document):
    """Thẩm định and ban hành: a leader of the issuing unit itself."""
    return document.status == S.REVIEW and roles.is_leader_of(user, document.unit)


def may_change_metadata(user, document):
    return document.status != S.DRAFT and can(user, CHANGE, document.unit)


def may_link(source, target, kind):
    """Whether the draft `source` may make a link of `kind` to `target`.

    Implements: a document the unit received, or one of the unit's own (the command's plan
    carrying out its party committee's resolution). Amend, replace, repeal (Quy định
    66-QĐ/TW): a body of the same kind — party by party, state by state — of the issuing
    unit itself or of a unit above it.
    """
    if kind == L.IMPLEMENTS:
        return (
            target.unit_id == source.unit_id
            or Recipient.objects.filter(document=target, unit_id=source.unit_id).exists()
        )
    return target.path.startswith(source.unit.path) and target.issuer.body == source.issuer.body


# ---------------------------------------------------------------- drafts


def search_text(document):
    return fold(" ".join([document.symbol, document.subject, document.body_text]))


def _check_text(document):
    if "\x00" in (document.subject or "") + (document.body_text or ""):
        raise DocumentError(_("Không được chứa ký tự rỗng (NUL)."), field="subject")
    if not (document.subject or "").strip():
        raise DocumentError(_("Trích yếu là bắt buộc."), field="subject")
    if len(document.body_text or "") > MAX_BODY_CHARS:
        raise DocumentError(
            _("Nội dung tối đa %(n)s ký tự.") % {"n": f"{MAX_BODY_CHARS:,}".replace(",", ".")},
            field="body_text",
        )
    if document.kind.body != document.issuer.body:
        raise DocumentError(
            _("Loại văn bản không thuộc hệ thống của cơ quan ban hành."), field="kind"
        )
    if (
        document.effective_from
        and document.effective_to
        and document.effective_to < document.effective_from
    ):
        raise DocumentError(_("Ngày hết hiệu lực phải sau ngày có hiệu lực."), field="effective_to")


def _version(document, user):
    last = document.versions.order_by("-number").first()
    if last and last.subject == document.subject and last.body_text == document.body_text:
        return last
    return DocumentVersion.objects.create(
        document=document,
        number=(last.number + 1) if last else 1,
        subject=document.subject,
        body_text=document.body_text,
        created_by=user,
    )


@transaction.atomic
def create_draft(user, unit, body, **fields):
    """A new draft of `unit`'s party organisation (body=PARTY) or command (STATE)."""
    if not may_draft(user, unit):
        raise DocumentError(_("Đồng chí không soạn được văn bản của đơn vị này."), forbidden=True)
    issuer = numbering.issuing_body(unit, body)
    document = Document(issuer=issuer, unit=unit, path=unit.path, created_by=user)
    for name, value in fields.items():
        if name not in DRAFT_FIELDS:
            raise TypeError(name)
        setattr(document, name, value)
    if not document.place:
        document.place = issuer.place
    _check_text(document)
    document.search_text = search_text(document)
    document.save()
    _version(document, user)
    return document


def _locked(document):
    return (
        Document.objects.select_for_update()
        .select_related("unit", "issuer", "kind")
        .get(pk=document.pk)
    )


@transaction.atomic
def save_draft(document, user, **fields):
    """Change a draft; the text before the change stays as a version."""
    document = _locked(document)
    if not may_edit(user, document):
        raise DocumentError(_("Chỉ sửa được văn bản đang là dự thảo."), forbidden=True)
    for name, value in fields.items():
        if name not in DRAFT_FIELDS:
            raise TypeError(name)
        setattr(document, name, value)
    _check_text(document)
    document.search_text = search_text(document)
    document.save()
    _version(document, user)
    return document


@transaction.atomic
def send_for_review(document, user):
    document = _locked(document)
    if not may_send(user, document):
        raise DocumentError(_("Chỉ gửi thẩm định được văn bản đang là dự thảo."), forbidden=True)
    take_snapshot(document)
    mark(document, "transition", _("Gửi thẩm định"))
    document.status = S.REVIEW
    document.save()
    return document


@transaction.atomic
def return_to_draft(document, user, note):
    document = _locked(document)
    if not may_review(user, document):
        raise DocumentError(
            _("Chỉ lãnh đạo %(unit)s thẩm định được văn bản này.") % {"unit": document.unit.name},
            forbidden=True,
        )
    note = (note or "").strip()
    if not note:
        raise DocumentError(_("Cần ghi ý kiến thẩm định khi trả lại dự thảo."), field="review_note")
    take_snapshot(document)
    mark(document, "transition", note)
    document.status = S.DRAFT
    document.review_note = note
    document.save()
    return document


# ---------------------------------------------------------------- links


@transaction.atomic
def add_link(source, target, kind, user):
    """Link a draft to an issued document (amends, replaces, repeals, implements)."""
    source = _locked(source)
    if not may_edit(user, source):
        raise DocumentError(_("Chỉ thêm liên kết cho văn bản đang là dự thảo."), forbidden=True)
    if kind not in L.values:
        raise DocumentError(_("Quan hệ không hợp lệ."), field="kind")
    if target.pk == source.pk:
        raise DocumentError(_("Văn bản không liên kết với chính nó."), field="target")
    if target.status not in (S.ISSUED,):
        raise DocumentError(
            _("Chỉ liên kết với văn bản đang có hiệu lực (đã ban hành)."), field="target"
        )
    _check_link(source, target, kind)
    link, _created = DocumentLink.objects.get_or_create(source=source, target=target, kind=kind)
    return link


def _check_link(source, target, kind):
    if target.pk == source.pk:
        raise DocumentError(_("Văn bản không liên kết được với chính nó."), field="target")
    if may_link(source, target, kind):
        return
    unit = source.unit
    if kind == L.IMPLEMENTS:
        raise DocumentError(
            _("%(unit)s không nhận văn bản %(doc)s nên không thể triển khai văn bản đó.")
            % {"unit": unit.name, "doc": target.symbol or target.subject},
            field="target",
        )
    if target.path.startswith(unit.path):
        raise DocumentError(
            _(
                "Văn bản %(doc)s do %(body)s ban hành: chỉ cơ quan cùng loại (tổ chức đảng "
                "với văn bản của Đảng, chỉ huy với văn bản của chỉ huy) mới sửa đổi, thay thế "
                "hay bãi bỏ được."
            )
            % {"doc": target.symbol or target.subject, "body": target.issuer.name},
            field="target",
        )
    raise DocumentError(
        _(
            "Chỉ cơ quan đã ban hành văn bản %(doc)s hoặc cơ quan cấp trên mới được sửa đổi, "
            "thay thế hay bãi bỏ văn bản đó."
        )
        % {"doc": target.symbol or target.subject},
        field="target",
    )


@transaction.atomic
def remove_link(link, user):
    if not may_edit(user, link.source):
        raise DocumentError(_("Chỉ bỏ liên kết của văn bản đang là dự thảo."), forbidden=True)
    link.delete()


# ---------------------------------------------------------------- issue


def _check_deadlines(document, day):
    for o in obligations.OBLIGATIONS:
        deadline = getattr(document, o.deadline_field)
        if deadline and deadline < day:
            raise DocumentError(
                _("%(what)s: hạn %(d)s trước ngày ban hành %(day)s.")
                % {
                    "what": o.label,
                    "d": deadline.strftime("%d/%m/%Y"),
                    "day": day.strftime("%d/%m/%Y"),
                },
                field=o.deadline_field,
            )


def cascade_warnings(document):
    """Deadlines of a plan later than those of the document it implements (warnings)."""
    out = []
    for link in document.links_out.filter(kind=L.IMPLEMENTS).select_related("target"):
        for o, mine, theirs in obligations.later_deadlines(document, link.target):
            out.append(
                _("%(what)s: hạn %(mine)s muộn hơn hạn %(theirs)s của văn bản cấp trên %(doc)s.")
                % {
                    "what": o.label,
                    "mine": mine.strftime("%d/%m/%Y"),
                    "theirs": theirs.strftime("%d/%m/%Y"),
                    "doc": link.target.symbol,
                }
            )
    return out


def document_url(document):
    return reverse("documents:detail", kwargs={"pk": document.pk})


@transaction.atomic
def issue(document, user, day=None, explicit_units=()):
    """Ban hành: number, recipients, frozen text, links applied, recipients notified.

    Returns (document, [warnings]). Everything is written or nothing.
    """
    document = _locked(document)
    if document.status != S.REVIEW:
        if document.status == S.DRAFT:
            raise DocumentError(_("Dự thảo phải được gửi thẩm định trước khi ban hành."))
        raise DocumentError(_("Văn bản đã được ban hành, không ban hành lại."))
    if not roles.is_leader_of(user, document.unit):
        raise DocumentError(
            _("Chỉ lãnh đạo %(unit)s ban hành được văn bản này.") % {"unit": document.unit.name},
            forbidden=True,
        )
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise DocumentError(_("Ngày ban hành không được sau hôm nay."), field="issue_date")
    _check_text(document)
    _check_deadlines(document, day)
    links = list(document.links_out.select_related("target", "target__unit", "target__issuer"))
    for link in links:
        _check_link(document, link.target, link.kind)
        if link.target.status != S.ISSUED:
            raise DocumentError(
                _("Văn bản %(doc)s không còn hiệu lực để liên kết.") % {"doc": link.target.symbol},
                field="target",
            )
    if not explicit_units and document.recipient_rule == Document.Rule.EXPLICIT:
        explicit_units = list(document.explicit_units.all())
    try:
        units = obligations.resolve(document, day, explicit_units)
    except obligations.RuleError as error:
        raise DocumentError(str(error), field="recipient_rule") from None
    take_snapshot(document)
    mark(document, "transition", _("Ban hành, gửi %(n)s đơn vị") % {"n": len(units)})
    # The body's row is locked so that a change of its numbering span waits for this issue.
    document.issuer = IssuingBody.objects.select_for_update().get(pk=document.issuer_id)
    key = numbering.span_key(document.issuer, day)
    document.number = numbering.allocate(document.issuer, document.kind, key)
    document.span_key = key
    document.symbol = numbering.compose(document.issuer, document.kind, document.number)
    document.issue_date = day
    document.place = document.place or document.issuer.place
    document.status = S.ISSUED
    document.issued_at = timezone.now()
    document.issued_by = user
    document.search_text = search_text(document)
    document.save()
    _add_recipients(document, units)
    for link in links:
        _apply(link, document, user)
    _notify_received(document, [u.pk for u, _p in units])
    return document, cascade_warnings(document)


@transaction.atomic
def issue_directly(user, unit, body, kind_abbr, subject, body_text, **options):
    """A document written by another part of the app (a conference's conclusions, a
    consolidated report) issued in one step by a leader of `unit`, who reviewed it where
    it was written: the draft and its first version, its files, then `issue` — the
    number, the recipients by the rule, the audit — all or nothing.

    options: `rule` (Document.Rule; CHILDREN by default), `explicit_units`, `level`,
    `day`, `files` ([(upload, core.uploads.Checked)]), `make_files` (a function of the
    issued document giving more such files: a Word file that prints its number),
    `signer_title`, `is_demo`. Returns (document, warnings)."""
    if not roles.is_leader_of(user, unit):
        raise DocumentError(
            _("Chỉ lãnh đạo %(unit)s ban hành được văn bản này.") % {"unit": unit.name},
            forbidden=True,
        )
    issuer = numbering.issuing_body(unit, body)
    kind = DocumentKind.objects.filter(body=body, abbreviation=kind_abbr, is_active=True).first()
    if kind is None:
        raise DocumentError(_("Không có loại văn bản “%(k)s”.") % {"k": kind_abbr}, field="kind")
    level = options.get("level")
    document = Document(
        issuer=issuer,
        unit=unit,
        path=unit.path,
        kind=kind,
        subject=subject,
        body_text=body_text,
        recipient_rule=options.get("rule") or Document.Rule.CHILDREN,
        recipient_level_id=getattr(level, "pk", level),
        signer_title=options.get("signer_title", ""),
        place=issuer.place,
        status=S.REVIEW,
        created_by=user,
        is_demo=options.get("is_demo", False),
    )
    _check_text(document)
    document.search_text = search_text(document)
    document.save()
    _version(document, user)
    explicit = list(options.get("explicit_units") or ())
    if explicit:
        document.explicit_units.set(explicit)
    _store_files(document, user, options.get("files") or (), Attachment.Role.DOCUMENT)
    document, warnings = issue(document, user, options.get("day"), explicit_units=explicit)
    if options.get("make_files"):
        _store_files(document, user, options["make_files"](document), Attachment.Role.DOCUMENT)
    return document, warnings


def _add_recipients(document, units):
    now = timezone.now()
    rows = [
        Recipient(document=document, unit=unit, path=path, received_at=now) for unit, path in units
    ]
    Recipient.objects.bulk_create(rows, batch_size=1000)
    writer = BulkWriter(at=now)
    created = Recipient.objects.filter(document=document).select_related("unit")
    for r in created:
        writer.add(Recipient, r.pk, str(r.unit), r.path, "create", after=snapshot(r))
    writer.flush()


def _apply(link, document, user):
    target = Document.objects.select_for_update().get(pk=link.target_id)
    if link.kind in (L.REPLACES, L.REPEALS):
        take_snapshot(target)
        new = S.REPLACED if link.kind == L.REPLACES else S.REPEALED
        mark(
            target,
            "transition",
            _("%(what)s bởi %(doc)s") % {"what": S(new).label, "doc": document.symbol},
        )
        target.status = new
        target.save()
    elif link.kind == L.IMPLEMENTS:
        recipient = (
            Recipient.objects.select_for_update()
            .filter(document=target, unit=document.unit)
            .first()
        )
        if recipient is None:  # the unit's own document (its party committee's resolution)
            return
        take_snapshot(recipient)
        recipient.plan = document
        if recipient.plan_on is None or document.issue_date < recipient.plan_on:
            recipient.plan_on = document.issue_date
        recipient.save()


def _notify_received(document, unit_ids):
    people = get_user_model().objects.filter(
        role_assignments__unit_id__in=unit_ids,
        role_assignments__role__in=(roles.OFFICER, roles.LEADER),
    )
    title = _("Văn bản mới: %(symbol)s — %(subject)s") % {
        "symbol": document.symbol,
        "subject": document.subject,
    }
    owed = [
        f"{o.label} {_('trước ngày')} {getattr(document, o.deadline_field):%d/%m/%Y}"
        for o in obligations.asked(document)
    ]
    body = "; ".join(owed)
    notify_all(people, RECEIVED_NOTICE, title[:255], body, document_url(document))


# ---------------------------------------------------------------- after issue


@transaction.atomic
def change_metadata(document, user, **fields):
    """Validity, secrecy grade, signing authority, place of an issued document (audited)."""
    document = _locked(document)
    if not may_change_metadata(user, document):
        raise DocumentError(_("Đồng chí không sửa được thông tin văn bản này."), forbidden=True)
    for name, value in fields.items():
        if name not in META_FIELDS:
            raise DocumentError(
                _(
                    "Văn bản đã ban hành: nội dung không sửa được nữa, chỉ sửa được hiệu lực, "
                    "độ mật, thẩm quyền ký, địa danh."
                ),
                field=name,
            )
        setattr(document, name, value)
    _check_text(document)
    document.save()
    return document


def in_force(document, today=None):
    """Issued, not replaced or repealed, and within its validity dates."""
    today = today or timezone.localdate()
    if document.status != S.ISSUED:
        return False
    if document.effective_from and document.effective_from > today:
        return False
    return not (document.effective_to and document.effective_to < today)


def status_label(document, today=None):
    """One name per state, "Hết hiệu lực" for an issued document past its expiry."""
    today = today or timezone.localdate()
    if document.status == S.ISSUED and document.effective_to and document.effective_to < today:
        return _("Hết hiệu lực")
    return S(document.status).label


# ---------------------------------------------------------------- what recipients send back


@transaction.atomic
def record_results(recipient, user, text, day=None):
    """Báo cáo kết quả: a recipient's results (files go through attachments)."""
    recipient = Recipient.objects.select_for_update().select_related("unit").get(pk=recipient.pk)
    if not can(user, CHANGE, recipient.unit):
        raise DocumentError(_("Đồng chí không báo cáo thay đơn vị này được."), forbidden=True)
    text = (text or "").strip()
    if "\x00" in text:
        raise DocumentError(_("Không được chứa ký tự rỗng (NUL)."), field="results_text")
    if not text:
        raise DocumentError(_("Nội dung báo cáo kết quả là bắt buộc."), field="results_text")
    if len(text) > MAX_RESULTS_CHARS:
        raise DocumentError(_("Báo cáo kết quả tối đa 20.000 ký tự."), field="results_text")
    take_snapshot(recipient)
    recipient.results_text = text
    recipient.results_on = recipient.results_on or day or timezone.localdate()
    recipient.save()
    return recipient


@transaction.atomic
def mark_plan_uploaded(recipient, day=None):
    """A plan file was attached: the plan obligation is met on its first upload's day."""
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    if recipient.plan_on is None:
        take_snapshot(recipient)
        recipient.plan_on = day or timezone.localdate()
        recipient.save()
    return recipient


def set_dissemination(document_id, unit_id, first_on, sessions):
    """The activity log's sessions for (document, unit): first day and how many."""
    recipient = (
        Recipient.objects.select_for_update()
        .filter(document_id=document_id, unit_id=unit_id)
        .first()
    )
    if recipient is None:
        return None
    if recipient.disseminated_on == first_on and recipient.sessions == sessions:
        return recipient
    take_snapshot(recipient)
    recipient.disseminated_on = first_on
    recipient.sessions = sessions
    recipient.save()
    return recipient


# ---------------------------------------------------------------- the writing pages' needs


def explicit_codes(document):
    """The codes of a draft's chosen recipient units, sorted."""
    return sorted(document.explicit_units.values_list("code", flat=True))


@transaction.atomic
def set_explicit_units(document, user, units):
    """The units a draft goes to when its rule is "các đơn vị được chọn" (audited: the M2M is
    not in the document's snapshot, so the change is written as its own entry)."""

    document = _locked(document)
    if not may_edit(user, document):
        raise DocumentError(_("Chỉ sửa được văn bản đang là dự thảo."), forbidden=True)
    before = explicit_codes(document)
    after = sorted({u.code for u in units})
    if before == after:
        return document
    document.explicit_units.set(list(units))
    write(
        document,
        "update",
        before={"explicit_units": before},
        after={"explicit_units": after},
        message=_("Đổi các đơn vị nhận được chọn"),
    )
    return document


def next_symbol(document, day):
    """The number and symbol the document would get if issued on `day` now (read only: the
    number is allocated at issue, and another document may take it first)."""

    key = numbering.span_key(document.issuer, day)
    last = (
        NumberCounter.objects.filter(issuer=document.issuer, kind=document.kind, span_key=key)
        .values_list("last", flat=True)
        .first()
    )
    return numbering.compose(document.issuer, document.kind, (last or 0) + 1)


def may_attach(user, document, recipient=None):
    """A document's own files: while it is a draft, by who may edit it. A recipient's plan or
    results: an issued document, by who may change the recipient unit's data."""
    if recipient is None:
        return may_edit(user, document)
    return document.status == S.ISSUED and can(user, CHANGE, recipient.unit)


@transaction.atomic
def attach_files(document, user, files, role, recipient=None):
    """Store checked files [(upload, core.uploads.Checked)] and their Attachment rows, all or
    nothing: if a row cannot be written, the files already stored are removed."""

    document = _locked(document)
    if not may_attach(user, document, recipient):
        raise DocumentError(_("Đồng chí không đính kèm tệp vào văn bản này được."), forbidden=True)
    return _store_files(document, user, files, role, recipient)


def _store_files(document, user, files, role, recipient=None):
    path = recipient.path if recipient is not None else document.path
    stored = []
    try:
        rows = []
        for upload, checked in files:
            stored.append(uploads.store(upload, checked, f"documents/{document.pk}"))
            rows.append(
                Attachment.objects.create(
                    document=document,
                    recipient=recipient,
                    role=role,
                    path=path,
                    name=checked.name,
                    stored=stored[-1],
                    content_type=checked.content_type,
                    size=checked.size,
                    sha256=checked.sha256,
                    uploaded_by=user,
                )
            )
    except BaseException:
        for name in stored:
            uploads.delete(name)
        raise
    return rows


@transaction.atomic
def delete_attachment(attachment, user):
    """Remove a draft's file: its row (audited) and, once committed, the stored file."""

    document = _locked(attachment.document)
    if attachment.role != Attachment.Role.DOCUMENT or not may_edit(user, document):
        raise DocumentError(_("Chỉ xóa được tệp của văn bản đang là dự thảo."), forbidden=True)
    stored = attachment.stored
    attachment.delete()
    transaction.on_commit(lambda: uploads.delete(stored))
