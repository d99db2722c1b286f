"""What the conference's pages share: finding the conference in the user's scope, saying
why an action is refused, putting a service's refusal on the field it names.

A conference is found through `Conference.objects.restrict(user)`: hosted in the user's
subtree, or attended by a unit of it; anything else is a 404. Who may change it is asked
of the services (`may_edit`: an officer of the host or above, before the close); a user
who may see it but not do the action gets 403 with the reason, in Vietnamese.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from giaoban.conferences import services
from giaoban.conferences.consolidation import ConsolidationError
from giaoban.conferences.models import Conference, Participant
from giaoban.conferences.services import ConferenceError
from giaoban.conferences.tasks import TaskError
from giaoban.core.scope import VIEW, can, get_in_scope_or_404

REFUSALS = (ConferenceError, TaskError, ConsolidationError)
STATUS_CSS = {
    Conference.Status.PREPARING: "info",
    Conference.Status.OPEN: "warn",
    Conference.Status.CLOSED: "closed",
}


def conference_or_404(request, pk):
    """The conference if the user may see it (404 otherwise)."""
    source = Conference.objects.select_related(
        "unit", "unit__level", "form", "consolidation", "notice", "participant_level"
    )
    conference = get_in_scope_or_404(source, request.user, VIEW, pk=pk)
    decorate(request.user, conference)
    return conference


def decorate(user, conference):
    """What the pages show of where the conference stands and what the user may do."""
    conference.status_css = STATUS_CSS.get(conference.status, "")
    conference.sees_host = can(user, VIEW, conference.unit)
    conference.editable = services.may_edit(user, conference)
    conference.period_label = conference.period.label
    return conference


def url(conference, anchor=""):
    return reverse("conferences:conference", kwargs={"pk": conference.pk}) + anchor


def refuse(request, message, conference=None, status=403):
    """The reason an action cannot be done: 403 (not this user's, or the conference is
    closed), with the way back."""
    context = {"message": message, "conference": conference}
    return render(request, "conferences/conference/refused.html", context, status=status)


def edit_refusal(request, conference):
    """Why this user cannot change the conference now (None: they can)."""
    if not services.may_manage(request.user, conference):
        return refuse(
            request,
            _("Chỉ cán bộ của %(unit)s hoặc của đơn vị cấp trên mới sửa được hội nghị này.")
            % {"unit": conference.unit.name},
            conference,
        )
    if conference.is_closed:
        return refuse(request, services.closed_message(), conference)
    return None


def posted(request, files=False):
    """A form's data: bound on a POST even when empty (so "nothing sent" is an error)."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def put_error(form, error, rename=None):
    """A service's refusal onto the fields it names (or the form as a whole)."""
    errors = getattr(error, "errors", None) or {error.field: error.message}
    for field, message in errors.items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, message)


def run_form(request, conference, form, save, rename=None):
    """The POST half of an editing page: (response, status). On a GET: (None, 200). On a
    POST the form is validated and `save(cleaned_data)` run — a service call returning the
    response to send when it succeeds (a redirect, with its message); a forbidden refusal
    answers with its page (403), any other goes beside the field it names (400) — through
    `rename`, a mapping or a function of the form giving one, for fields named otherwise."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return save(form.cleaned_data), 302
    except REFUSALS as error:
        if error.forbidden:
            return refuse(request, error.message, conference), 403
        put_error(form, error, rename(form) if callable(rename) else rename)
        return None, 400


def run_action(request, conference, action):
    """A POST-only action (`action()` returns the response): a refusal answers with its
    page, 403 when it is not the user's to do, 409 when the state forbids it now."""
    try:
        return action()
    except REFUSALS as error:
        return refuse(request, error.message, conference, status=403 if error.forbidden else 409)


def participants_seen(user, conference):
    """The participant rows the user may see, in the tree's order: every row for the host's
    people, a participant's own subtree for the others."""
    return list(
        Participant.objects.restrict(user, VIEW)
        .filter(conference=conference)
        .select_related("unit")
        .order_by("path")
    )


def sees_all_participants(user, conference):
    return can(user, VIEW, conference.unit)
