from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from giaoban.reports.models import ReportForm


@login_required
def index(request):
    forms = ReportForm.objects.filter(is_active=True).order_by("code")
    return render(request, "reports/index.html", {"forms": forms})
