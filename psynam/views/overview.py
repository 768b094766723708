"""The overview view: the headline figures of the period (activity, partners, the capped budget used to
date) and the monthly sessions by network."""

from __future__ import annotations

from functools import cached_property

from psynam.views import Result, View
from psynam.views.budget import Budget


class Overview(View):
    @cached_property
    def activity(self) -> Result:
        return self.result("overview/activity_kpis")

    @cached_property
    def partners(self) -> Result:
        return self.result("overview/partner_kpis")

    @cached_property
    def budget(self) -> Result:
        return Budget(self.source, self.filters, self.threshold).capped_usage

    @cached_property
    def sessions_by_month(self) -> Result:
        return self.result("overview/sessions_by_month")

    @property
    def has_sessions(self) -> bool:
        return bool(self.activity.value("sessions"))
