"""An enterprise's rating of a service it confirmed (服务评价): four criteria on 1–5 and a comment.

One per confirmed delivery, given by the enterprise that confirmed it; editable for
RATING_EDIT_DAYS after it was first given (each change is audited with its before and after).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from vouchers.models.delivery import Delivery
from vouchers.models.reference import ServiceCategory

RATING_EDIT_DAYS = 30
CRITERIA = ("quality", "timeliness", "price", "communication")


class ServiceRating(models.Model):
    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="rating")
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                    related_name="service_ratings")
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    quality = models.PositiveSmallIntegerField(_("服务质量"))
    timeliness = models.PositiveSmallIntegerField(_("及时性"))
    price = models.PositiveSmallIntegerField(_("价格合理性"))
    communication = models.PositiveSmallIntegerField(_("沟通配合"))
    # The mean of the four, in hundredths (4.25 → 425): sorted and averaged in the database.
    score_centi = models.PositiveSmallIntegerField(_("综合评分"))
    comment = models.TextField(_("评价意见"), max_length=1000, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    rated_at = models.DateTimeField(_("评价时间"))
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        ordering = ["-rated_at", "-pk"]
        indexes = [models.Index(fields=["institution", "-rated_at"])]
        constraints = [
            *(
                models.CheckConstraint(condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                                       name=f"rating_{name}_1_to_5")
                for name in CRITERIA
            ),
            models.CheckConstraint(condition=Q(score_centi__gte=100, score_centi__lte=500),
                                   name="rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.score_centi / 100:.2f}"

    @property
    def score(self) -> float:
        return self.score_centi / 100
