"""Writing the consolidated report (báo cáo tổng hợp): who may, and every change to it.

- An officer of the unit (or above it) opens the draft for a form and a period that has
  begun, for the unit's party organisation or its command, and edits it: the unit's own
  words (`add_own`, `edit_own`), excerpts of what the units directly below sent
  (`add_excerpt`: a child's sent report, one narrative part, all or some of its
  sentences), shortened by leaving sentences out (`shorten`), ordered (`move`), removed
  (`delete_part`). Nothing else can enter the text.
- Exporting (`export`) compiles the snapshot, records it and returns the .docx with what
  changed since the previous export.
- A leader of the unit issues it (`issue`): it is registered in the document register as
  a báo cáo with its number, the .docx carrying that number attached; the draft is then
  frozen.

Errors are `ConsolidationError` with a Vietnamese message and the field it is about.
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.registry import mark, take_snapshot
from giaoban.conferences import compile as compiled
from giaoban.conferences import excerpts, layout
from giaoban.conferences.models import PARTY, Consolidation, ConsolidationExport, Part
from giaoban.core import periods, roles
from giaoban.core.scope import CHANGE, can
from giaoban.core.text import nfc
from giaoban.documents import public as documents
from giaoban.reports import public as reports

MAX_TEXT = 20_000  # characters of one paragraph of the unit's own words
MAX_PARTS = 2_000


class ConsolidationError(Exception):
    def __init__(self, message, field=None, forbidden=False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.forbidden = forbidden


def may_edit(user, consolidation):
    return consolidation.is_draft and can(user, CHANGE, consolidation.unit)


def may_issue(user, consolidation):
    return consolidation.is_draft and roles.is_leader_of(user, consolidation.unit)


def _require_edit(user, consolidation):
    if not consolidation.is_draft:
        raise ConsolidationError(
            _("Báo cáo đã ban hành: nội dung không sửa được nữa."), forbidden=True
        )
    if not can(user, CHANGE, consolidation.unit):
        raise ConsolidationError(
            _("Đồng chí không sửa được báo cáo tổng hợp của đơn vị này."), forbidden=True
        )


def _locked(consolidation):
    return (
        Consolidation.objects.select_for_update()
        .select_related("unit", "form")
        .get(pk=consolidation.pk)
    )


def clean_text(text, field, required=True, limit=MAX_TEXT):
    """NFC text without NUL, within `limit` characters (a ConsolidationError otherwise)."""
    text = nfc((text or "").replace("\r\n", "\n")).strip()
    if "\x00" in text:
        raise ConsolidationError(_("Không được chứa ký tự rỗng (NUL)."), field=field)
    if required and not text:
        raise ConsolidationError(_("Nội dung là bắt buộc."), field=field)
    if len(text) > limit:
        raise ConsolidationError(
            _("Tối đa %(n)s ký tự.") % {"n": f"{limit:,}".replace(",", ".")}, field=field
        )
    return text


# ------------------------------------------------------------------ the draft's defaults


def _without_year(label, year):
    for suffix in (f" {year}", f"/{year}"):
        if label.endswith(suffix):
            return label[: -len(suffix)]
    return label


def default_subject(period):
    """ "Kết quả công tác đảng, công tác chính trị 6 tháng đầu năm 2026 và phương hướng,
    nhiệm vụ 6 tháng cuối năm" (the next period, its year left out when the same)."""
    following = periods.shift(period, 1)
    label = str(following.label)
    if following.year == period.year:
        label = _without_year(label, period.year)
    label = label[:1].lower() + label[1:]
    return _(
        "Kết quả công tác đảng, công tác chính trị %(period)s\nvà phương hướng, nhiệm vụ %(next)s"
    ) % {"period": str(period.label)[:1].lower() + str(period.label)[1:], "next": label}


STATE_SIGNERS = {
    "bo": "BỘ TRƯỞNG",
    "cuc": "CỤC TRƯỞNG",
    "tinh": "GIÁM ĐỐC",
    "huyen": "TRƯỞNG CÔNG AN",
    "xa": "TRƯỞNG CÔNG AN",
}


def default_signer(unit, body):
    """(authority, position): "T/M ĐẢNG ỦY" / "BÍ THƯ" of a party body; the head's title of
    a command. The signer's name is never stored."""
    if body == PARTY:
        party = (unit.party_name or "").strip()
        if party.lower().startswith("chi bộ"):
            return "T/M CHI BỘ", "BÍ THƯ"
        return "T/M ĐẢNG ỦY", "BÍ THƯ"
    return STATE_SIGNERS.get(unit.level.code, "THỦ TRƯỞNG ĐƠN VỊ"), ""


def default_recipients(unit, body):
    parent = unit.parent
    lines = []
    if body == PARTY:
        if parent is not None:
            lines.append(
                _("%(p)s (để báo cáo),") % {"p": parent.party_name or f"Đảng ủy {parent.name}"}
            )
        lines += [_("Các cấp ủy trực thuộc,"), _("Lưu Văn phòng Đảng ủy.")]
    else:
        if parent is not None:
            lines.append(_("Lãnh đạo %(p)s (để báo cáo);") % {"p": parent.name})
        lines += [_("Các đơn vị trực thuộc;"), _("Lưu: VT.")]
    return "\n".join(lines)


# ------------------------------------------------------------------ opening a draft


def may_open(user, unit):
    return can(user, CHANGE, unit)


@transaction.atomic
def open_draft(user, unit, body, form, period_key, today=None, is_demo=False):
    """The unit's draft for the form and period (the existing one if there is one)."""
    if not may_open(user, unit):
        raise ConsolidationError(
            _("Đồng chí không lập được báo cáo tổng hợp của đơn vị này."), forbidden=True
        )
    if body not in (PARTY, "state"):
        raise ConsolidationError(_("Cơ quan ban hành không hợp lệ."), field="body")
    try:
        period = reports.parse_period(form, period_key)
    except reports.PeriodError as error:
        raise ConsolidationError(str(error), field="period") from None
    today = today or timezone.localdate()
    if period.start > today:
        raise ConsolidationError(
            _("Kỳ %(period)s chưa bắt đầu (từ ngày %(start)s): chưa tổng hợp được.")
            % {"period": period.label, "start": period.start.strftime("%d/%m/%Y")},
            field="period",
        )
    if not reports.expected_children(unit, form, period):
        raise ConsolidationError(
            _("%(unit)s không có đơn vị trực thuộc báo cáo theo mẫu này trong kỳ %(period)s.")
            % {"unit": unit.name, "period": period.label},
            field="form",
        )
    existing = Consolidation.objects.filter(
        unit=unit, body=body, form=form, period_key=period.key
    ).first()
    if existing is not None:
        return existing
    authority, position = default_signer(unit, body)
    try:
        with transaction.atomic():
            return Consolidation.objects.create(
                unit=unit,
                path=unit.path,
                body=body,
                form=form,
                period_key=period.key,
                subject=default_subject(period),
                signer_title=authority,
                signer_position=position,
                recipients_text=default_recipients(unit, body),
                created_by=user,
                is_demo=is_demo,
            )
    except IntegrityError:  # opened at the same instant by someone else
        return Consolidation.objects.get(unit=unit, body=body, form=form, period_key=period.key)


@transaction.atomic
def save_layout(user, consolidation, subject, signer_title, signer_position, recipients_text):
    """The subject line, the signing block and "Nơi nhận" (the layout, not the content)."""
    consolidation = _locked(consolidation)
    _require_edit(user, consolidation)
    consolidation.subject = clean_text(subject, "subject", limit=500)
    consolidation.signer_title = clean_text(signer_title, "signer_title", limit=120)
    consolidation.signer_position = clean_text(
        signer_position, "signer_position", required=False, limit=120
    )
    consolidation.recipients_text = clean_text(
        recipients_text, "recipients_text", required=False, limit=2000
    )
    consolidation.save()
    return consolidation


# ------------------------------------------------------------------ paragraphs


def _sections(consolidation):
    period = consolidation.period
    return {code for code, _t in reports.narratives(consolidation.form, period)} | {
        compiled.OPENING
    }


def _check_section(consolidation, section):
    if section not in _sections(consolidation):
        raise ConsolidationError(_("Phần báo cáo không có trong mẫu."), field="section")


def _next_order(consolidation, section):
    if consolidation.parts.count() >= MAX_PARTS:
        raise ConsolidationError(
            _("Báo cáo đã có %(n)s đoạn, không thêm được nữa.") % {"n": MAX_PARTS}
        )
    top = consolidation.parts.filter(section=section).aggregate(m=Max("order"))["m"]
    return (top or 0) + 1


@transaction.atomic
def add_own(user, consolidation, section, text):
    """A paragraph in the unit's own words at the end of `section`."""
    consolidation = _locked(consolidation)
    _require_edit(user, consolidation)
    _check_section(consolidation, section)
    text = clean_text(text, "text")
    return Part.objects.create(
        consolidation=consolidation,
        section=section,
        order=_next_order(consolidation, section),
        kind=Part.Kind.OWN,
        text=text,
    )


@transaction.atomic
def edit_own(user, part, text):
    consolidation = _locked(part.consolidation)
    _require_edit(user, consolidation)
    part = Part.objects.select_for_update().get(pk=part.pk)
    if part.is_excerpt:
        raise ConsolidationError(
            _("Đoạn trích chỉ rút gọn được bằng cách bỏ bớt câu, không sửa chữ."), field="text"
        )
    part.text = clean_text(text, "text")
    part.save()
    return part


def _submission(consolidation, report_id):
    """The direct child's sent report `report_id` of the draft's form and period."""
    form, period = consolidation.form, consolidation.period
    for s in reports.submissions(consolidation.unit, form, period):
        if s.report_id == report_id and s.sent:
            return s
    raise ConsolidationError(
        _("Chỉ trích được báo cáo đã gửi của đơn vị trực thuộc, cùng mẫu và kỳ."),
        field="report",
    )


@transaction.atomic
def add_excerpt(user, consolidation, section, report_id, field, fragments=None):
    """An excerpt of the child's sent text of narrative part `field` (all of it, or the
    sentences `fragments`), at the end of `section`."""
    consolidation = _locked(consolidation)
    _require_edit(user, consolidation)
    _check_section(consolidation, section)
    submission = _submission(consolidation, report_id)
    source = submission.texts.get(field, "")
    if not source.strip():
        raise ConsolidationError(_("Phần này của báo cáo đơn vị không có nội dung."), field="field")
    try:
        spans = excerpts.check_fragments(
            source, excerpts.whole(source) if fragments is None else fragments
        )
    except excerpts.ExcerptError:
        raise ConsolidationError(
            _("Chọn ít nhất một câu, đúng như trong báo cáo của đơn vị."), field="fragments"
        ) from None
    return Part.objects.create(
        consolidation=consolidation,
        section=section,
        order=_next_order(consolidation, section),
        kind=Part.Kind.EXCERPT,
        text=excerpts.render(source, spans),
        source_unit=submission.unit,
        source_report_id=report_id,
        source_field=field,
        source_version=submission.version,
        source_sent_at=submission.sent_at,
        source_digest=excerpts.digest(source),
        fragments=spans,
    )


@transaction.atomic
def shorten(user, part, fragments):
    """Keep only the sentences `fragments` of an excerpt (checked against its source as the
    unit sent it: an excerpt whose source changed is picked again instead)."""
    consolidation = _locked(part.consolidation)
    _require_edit(user, consolidation)
    part = Part.objects.select_for_update().get(pk=part.pk)
    if not part.is_excerpt:
        raise ConsolidationError(_("Chỉ rút gọn được đoạn trích."), field="fragments")
    submission = _submission(consolidation, part.source_report_id)
    source = submission.texts.get(part.source_field, "")
    if excerpts.digest(source) != part.source_digest:
        raise ConsolidationError(
            _("Đơn vị đã gửi lại báo cáo với nội dung khác: hãy xóa đoạn này và trích lại."),
            field="fragments",
        )
    try:
        spans = excerpts.check_fragments(source, fragments)
    except excerpts.ExcerptError:
        raise ConsolidationError(
            _("Chọn ít nhất một câu, đúng như trong báo cáo của đơn vị."), field="fragments"
        ) from None
    part.fragments = spans
    part.text = excerpts.render(source, spans)
    part.save()
    return part


@transaction.atomic
def move(user, part, step):
    """Move a paragraph one place up (step -1) or down (+1) within its section."""
    consolidation = _locked(part.consolidation)
    _require_edit(user, consolidation)
    siblings = list(
        consolidation.parts.select_for_update().filter(section=part.section).order_by("order", "pk")
    )
    index = next((i for i, p in enumerate(siblings) if p.pk == part.pk), None)
    if index is None or step not in (-1, 1) or not 0 <= index + step < len(siblings):
        return part
    siblings[index], siblings[index + step] = siblings[index + step], siblings[index]
    for n, sibling in enumerate(siblings, start=1):
        if sibling.order != n:
            sibling.order = n
            sibling.save(update_fields=["order"])
    return part


@transaction.atomic
def delete_part(user, part):
    consolidation = _locked(part.consolidation)
    _require_edit(user, consolidation)
    part.delete()


# ------------------------------------------------------------------ export and issue


def last_export(consolidation):
    return consolidation.exports.order_by("-at", "-pk").first()


def issued_snapshot(consolidation):
    """The snapshot the report was issued with (None for a draft)."""
    found = consolidation.exports.filter(issued=True).order_by("-at", "-pk").first()
    return found.snapshot if found is not None else None


def issued_file(consolidation):
    """(docx bytes, file name) of the issued report, with its number, as it was issued; None
    for a draft."""
    snapshot = issued_snapshot(consolidation)
    document = consolidation.document
    if snapshot is None or document is None:
        return None
    data = layout.render(consolidation, snapshot, document)
    return data, layout.file_name(consolidation, document)


@transaction.atomic
def export(user, consolidation, today=None):
    """(docx bytes, file name, [what changed since the previous export]). A draft is
    compiled now and the snapshot recorded; an issued report gives the file it was issued
    with, numbered, and records nothing. Anyone who may see the report may export it."""
    if not consolidation.is_draft:
        found = issued_file(consolidation)
        if found is None:
            raise ConsolidationError(_("Không tìm thấy bản đã ban hành của báo cáo."))
        return (*found, [])
    snapshot = compiled.compile_report(consolidation, today)
    previous = last_export(consolidation)
    changed = compiled.changes(previous.snapshot if previous else None, snapshot)
    ConsolidationExport.objects.create(
        consolidation=consolidation, by=user, digest=compiled.digest(snapshot), snapshot=snapshot
    )
    data = layout.render(consolidation, snapshot)
    return data, layout.file_name(consolidation), changed


@transaction.atomic
def issue(user, consolidation, day=None):
    """Ban hành: registered as a báo cáo with its number, the .docx with that number
    attached, the draft frozen. Returns the register's Document."""
    consolidation = _locked(consolidation)
    if not may_issue(user, consolidation):
        if not consolidation.is_draft:
            raise ConsolidationError(_("Báo cáo đã được ban hành, không ban hành lại."))
        raise ConsolidationError(
            _("Chỉ lãnh đạo %(unit)s ban hành được báo cáo tổng hợp.")
            % {"unit": consolidation.unit.name},
            forbidden=True,
        )
    snapshot = compiled.compile_report(consolidation)
    if snapshot["stale"]:
        raise ConsolidationError(
            _(
                "Còn %(n)s đoạn trích không khớp với báo cáo đơn vị đã gửi lại: xóa và trích "
                "lại trước khi ban hành."
            )
            % {"n": len(snapshot["stale"])}
        )

    def files(document):
        return [layout.as_upload(consolidation, snapshot, document)]

    try:
        document, _warnings = documents.issue_directly(
            user,
            consolidation.unit,
            consolidation.body,
            "BC",
            " ".join(consolidation.subject.split()),
            layout.plain_text(snapshot),
            rule=documents.Rule.CHILDREN,
            day=day,
            signer_title=consolidation.signer_title,
            is_demo=consolidation.is_demo,
            make_files=files,
        )
    except documents.DocumentError as error:
        raise ConsolidationError(error.message, field=error.field) from None
    take_snapshot(consolidation)
    mark(consolidation, "transition", _("Ban hành: %(symbol)s") % {"symbol": document.symbol})
    consolidation.status = Consolidation.Status.ISSUED
    consolidation.document = document
    consolidation.save()
    ConsolidationExport.objects.create(
        consolidation=consolidation,
        by=user,
        issued=True,
        digest=compiled.digest(snapshot),
        snapshot=snapshot,
    )
    return document
