"""The overview view: the headline figures of the period (activity, partners, the capped budget used to
date) and the monthly sessions by network."""

from __future__ import annotations


from psynam.views import Result, View, result
from psynam.views.budget import Budget


class Overview(View):
    @result
    def activity(self) -> Result:
        return self.result("overview/activity_kpis")

    @result
    def partners(self) -> Result:
        return self.result("overview/partner_kpis")

    @result
    def budget(self) -> Result:
        return Budget(self.source, self.filters, self.threshold).capped_usage

    @result
    def sessions_by_month(self) -> Result:
        return self.result("overview/sessions_by_month")

    @property
    def has_sessions(self) -> bool:
        return bool(self.activity.value("sessions"))
