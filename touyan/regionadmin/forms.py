from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from touyan.core.forms import StyledForm


class StatForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100)
    rural_income_per_capita = forms.DecimalField(
        label=_("农村居民人均可支配收入(元)"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    ref_new_staff_monthly = forms.DecimalField(
        label=_("乡镇事业单位新进人员月工资(元)"), min_value=Decimal(0), max_digits=12, decimal_places=2, required=False
    )
    collective_income = forms.DecimalField(
        label=_("村集体经济收入(元)"), max_digits=14, decimal_places=2, required=False
    )
