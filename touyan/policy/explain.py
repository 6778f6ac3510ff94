"""Each policy parameter in words: one sentence a township officer understands, and Chinese names
for the values of the choice parameters. The policy page shows these; the parameter key and its
rule id are technical details, shown to administrators only in a folded 技术信息 (issue 16)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .params import Param

SENTENCES: dict[str, Any] = {
    "term_years": _("村党组织和村委会每届任期的年数,由法律规定。"),
    "handover_days": _("换届后,离任班子须在这些天内向新班子移交公章、账目和档案。"),
    "rep_assembly_per_year": _("村民代表会议每年至少召开的次数。"),
    "full_time_quota_per_village": _("每个村可设专职村干部的人数上限。"),
    "prof_secretary_share": _("全县实行专业化管理的村党组织书记,最多占行政村总数的比例。"),
    "min_tenure_years": _("村党组织书记任职满这些年,才可纳入专业化管理。"),
    "min_tenure_years_relaxed": _("全日制大专以上学历或 35 岁以下的书记,纳入专业化管理所需的任职年限。"),
    "prof_min_collective_income": _("纳入专业化管理的村,村集体经济年收入不低于此数。"),
    "prof_min_stars": _("纳入专业化管理的村,党组织星级不低于此星级。"),
    "young_age_max": _("年轻专业化干部的年龄上限。"),
    "young_share": _("每村年轻专业化干部人数占村干部的比例上限。"),
    "young_pay_ratio": _("年轻专业化干部的报酬按乡镇事业单位新进人员工资的这个比例发放。"),
    "young_degree_bonus_city": _("全日制大专以上学历的年轻专业化干部,每月由市里另发的补贴。"),
    "young_degree_bonus_township": _("全日制大专以上学历的年轻专业化干部,每月由乡镇另发的补贴。"),
    "criminal_lookback_years": _("候选人资格审查时,刑事处罚追溯的年数;留空表示不论多久都不得提名。"),
    "party_sanction_bar_years": _("受撤销党内职务以上处分的,在这些年内不得提名为候选人。"),
    "review_sla_workdays": _("纪委、公安、法院等联审部门须在这些工作日内反馈意见。"),
    "review_validity_days": _("联审结果在这些天内有效,过期须重新联审。"),
    "publicity_days": _("候选人等公示须持续的天数,公示期满才能进入下一步。"),
    "max_age_head": _("村党组织书记、村委会主任当选时的年龄上限。"),
    "max_age_member": _("其他两委成员当选时的年龄上限。"),
    "min_days_per_month": _("村干部每月应在村坐班的天数,不足的影响绩效报酬。"),
    "min_on_duty": _("每个村每天至少要有几人值班。"),
    "duty_days": _("哪些日子须安排值班:每天,或只在工作日。"),
    "location_check": _("签到时是否校验在村范围内;只保存是否在村和距离,不保存位置轨迹。"),
    "leave_max_single": _("一次请假最多的天数。"),
    "leave_max_year": _("一年内请假累计最多的天数。"),
    "leave_secretary_max_days": _("不超过这些天的请假,由村党组织书记批准即可。"),
    "leave_liaison_record_max_days": _("不超过这些天的请假,书记批准后报包村干部备案;更长的报乡镇审批。"),
    "absence_consecutive_limit": _("连续旷工达到这些天,年度考核定为不称职。"),
    "absence_year_limit": _("一年内累计旷工达到这些天,年度考核定为不称职。"),
    "attendance_lock_day": _("每月考勤在次月这一天之后锁定,锁定后不能再修改,用于计算报酬。"),
    "grade_excellent_min": _("考核得分达到此分数线为优秀。"),
    "grade_competent_min": _("考核得分达到此分数线为称职。"),
    "grade_basic_min": _("考核得分达到此分数线为基本称职,低于为不称职。"),
    "excellent_max_share": _("年度考核中,一个乡镇评为优秀的人数占参评人数的最高比例。"),
    "w_work": _("年度考核总分中,工作实绩所占的权重。"),
    "w_demo": _("年度考核总分中,民主测评所占的权重。"),
    "demo_satisfaction_min": _("民主测评满意率低于此值的,定为不称职。"),
    "demo_unqualified_admonish": _("民主测评不称职票达到此比例的,须约谈。"),
    "competency_admonish_below": _("胜任力测评胜任率低于此值的,须约谈。"),
    "competency_exit_below": _("胜任力测评胜任率低于此值的,退出专业化管理。"),
    "count_basic_as_competent": _("计算胜任率时,“基本胜任”票是否算作胜任。"),
    "appeal_days": _("考核结果公布后,干部可在这些天内申诉;申诉期满才能最终确定。"),
    "pledge_items_min": _("每名干部年度承诺事项的最少条数。"),
    "pledge_items_max": _("每名干部年度承诺事项的最多条数。"),
    "base_standard_one_shoulder": _("书记、主任一肩挑的村干部,每年基本报酬的标准。"),
    "base_standard_ps": _("村党组织书记每年基本报酬的标准。"),
    "base_standard_vd": _("村委会主任每年基本报酬的标准。"),
    "deputy_ratio": _("副职和文书的基本报酬,按书记标准的这个比例计算。"),
    "base_multiple": _("基本报酬不低于上年本县农村居民人均可支配收入的这个倍数。"),
    "reelection_uplift": _("每连任一届,基本报酬上浮的比例。"),
    "uplift_compound": _("连任上浮是否逐届累乘(复利);否则按届数相加。"),
    "term_gap_days": _("两段任职间隔不超过这些天的,视为连任。"),
    "pay_notice_days": _("村干部报酬在村内公示的天数,公示期满、无异议后乡镇才能审批;设为 0 则公示后即可审批。"),
    "perf_share": _("绩效报酬占年度报酬的比例,按季度考核结果发放。"),
    "grade_factor_excellent": _("季度考核优秀时,绩效报酬乘以的系数。"),
    "grade_factor_competent": _("季度考核称职时,绩效报酬乘以的系数。"),
    "grade_factor_basic": _("季度考核基本称职时,绩效报酬乘以的系数。"),
    "grade_factor_incompetent": _("季度考核不称职时,绩效报酬乘以的系数。"),
    "tier1_amount": _("专业化管理一档书记每月的补贴。"),
    "tier2_amount": _("专业化管理二档书记每月的补贴。"),
    "tier3_amount": _("专业化管理三档书记每月的补贴。"),
    "pension_subsidy": _("村主干每年的养老保险补贴,按月发放。"),
    "annual_floor_ps": _("书记全年报酬不低于此数。"),
    "annual_floor_vd": _("主任全年报酬不低于此数。"),
    "annual_floor_one_shoulder": _("一肩挑干部全年报酬不低于此数。"),
    "reward_rate": _("村集体经营净收益比上年增加的部分,按这个比例奖励村两委成员。"),
    "reward_cap_share": _("集体经济发展奖励总额不超过增量的这个比例。"),
    "reward_min_months_in_post": _("任职不满这些月的,不参与集体经济发展奖励的分配。"),
    "honour_county": _("受到县级表彰的村干部一次性奖励的金额。"),
    "honour_prefecture": _("受到市(州)级表彰的村干部一次性奖励的金额。"),
    "honour_province": _("受到省级表彰的村干部一次性奖励的金额。"),
    "condolence_illness": _("村干部患重病时发放的慰问金。"),
    "condolence_disabled": _("村干部因公致残时发放的慰问金。"),
    "condolence_death": _("村干部因公牺牲时发放的慰问金。"),
    "weak_income": _("村集体经济年收入低于此数的村,列为集体经济薄弱村。"),
    "weak_township_share": _("一个乡镇的薄弱村占比达到此值,扣减乡镇党委书记奖金。"),
    "weak_bonus_cut": _("薄弱村占比超标时,乡镇党委书记奖金扣减的比例。"),
    "departure_strategy": _("离任村干部生活补贴的计算方式:按现任书记报酬比例、按任职届数或按任职年限档次。"),
    "major_matter_threshold": _("金额达到此数的村级事项为重大事项,须按“四议两公开”决策。"),
    "merge_1_2_if_one_shoulder": _("书记主任一肩挑的村,提议和商议两个步骤可否合并。"),
    "quarter_disclosure_day": _("每季度首月的这一天前完成村务公开。"),
    "objection_reply_days": _("村民对公开内容提出异议后,须在这些天内答复。"),
    "finance_band_1": _("不超过此金额的支出,由村两委联签即可。"),
    "finance_band_2": _("不超过此金额的支出,须两委会议并经包村干部同意;更高的须四议两公开。"),
    "works_audit_threshold": _("金额达到此数的村级工程须审计。"),
    "finance_period": _("村级财务公开的周期。"),
    "party_affairs_period": _("党务公开的周期。"),
    "government_reply_disclosure_days": _("收到政府批复后,须在这些天内公开。"),
    "cash_on_hand_max": _("村级库存现金不超过此数。"),
    "disclosure_catalogue": _("村务公开须公开的事项清单,共若干项。"),
    "micro_power_catalogue": _("村级小微权力清单及每项的办理流程。"),
    "study_hours_member": _("党员每年应完成的学习学时。"),
    "study_hours_secretary": _("村党组织书记、委员每年应完成的学习学时。"),
    "new_secretary_training_months": _("新任书记须在任职后这些月内参加培训。"),
    "hours_per_day": _("培训一天折算的学时数。"),
    "rotation_days_per_year": _("村党组织书记每年参加轮训的天数。"),
    "reserves_per_prof_village": _("实行专业化管理的村,每村应储备的书记后备人选人数。"),
    "local_talents_per_village": _("每个村至少动态储备的乡土人才人数(1-2名)。"),
    "id_mask_keep_first": _("列表中显示身份证号的前几位,其余以星号遮盖。"),
    "id_mask_keep_last": _("列表中显示身份证号的后几位。"),
    "audit_retention_years": _("审计日志至少保存的年数。"),
    "attendance_retention_years": _("签到、请假等考勤数据保存的年数,期满删除。"),
    "review_depts": _("候选人须经这些部门联合审查资格,每个部门各出一份意见。"),
    "reserves_per_post": _("村里除书记外的每个职位,至少应有这么多名后备干部(一职一备)。"),
    "reserve_trained_years": _("新任村党组织书记应从后备干部中产生,且作为后备培养满这些年。"),
    "online_full_minutes": _("网络课程时长达到这些分钟,计 1 学时。"),
    "online_half_minutes": _("网络课程时长达到这些分钟(但不足上一项),计 0.5 学时。"),
    "online_short_hours": _("更短的网络课程,每门计这么多学时。"),
    "carry_over_hours_max": _("当年超出要求的学时,最多可结转到下一年的学时数;0 表示不结转。"),
    "county_course_required": _("村党组织书记每年须参加一次县级以上的轮训。"),
    "prof_prefecture_days": _("专业化管理的书记每年参加市(州)级以上培训的最少天数。"),
    "prof_township_sessions": _("专业化管理的书记每年参加乡镇培训的最少期数。"),
    "prof_township_days": _("专业化管理的书记每年参加乡镇培训的累计最少天数。"),
    "secondment_min_months": _("到上级机关挂职锻炼,每次不少于这些月。"),
    "secondment_city_per_township": _("每个乡镇每年至少选派这么多名书记到市直部门挂职。"),
    "secondment_township_share": _("每年到乡镇机关挂职的专业化书记,占专业化书记的比例。"),
    "certificate_expiry_alert_days": _("证书到期前这些天开始提醒。"),
    "certificate_allowance_social_worker_assistant": _("持有效助理社会工作师证书的村干部,每月的津贴;0 表示不发。"),
    "certificate_allowance_social_worker": _("持有效社会工作师证书的村干部,每月的津贴;0 表示不发。"),
    "certificate_allowance_social_worker_senior": _("持有效高级社会工作师证书的村干部,每月的津贴;0 表示不发。"),
}

_BRACKET = {"ps": _("书记"), "vd": _("主任"), "acc": _("会计"), "clk": _("文书")}

CHOICES: dict[str, Any] = {
    "all": _("每天"),
    "workdays": _("工作日"),
    "monthly": _("每月"),
    "quarterly": _("每季度"),
    "semiannual": _("每半年"),
    "annual": _("每年"),
    "pct_of_current_base": _("按现任书记报酬比例"),
    "per_term": _("按任职届数"),
    "bracket_table": _("按任职年限档次"),
}


def sentence(p: Param) -> str:
    """The parameter's one-sentence explanation."""
    if p.key in SENTENCES:
        return str(SENTENCES[p.key])
    if p.key.startswith("departure_pct_"):
        return str(_("按现任书记报酬比例计算离任补贴时,该档的比例及所需的连续、累计任职年限。"))
    if p.key.startswith("departure_term_rate_"):
        who = _BRACKET.get(p.key.rsplit("_", 1)[-1], "")
        return str(_("按届数计算离任补贴时,%(who)s每任一届每月补贴的金额。") % {"who": who})
    if p.key.startswith("departure_bracket_"):
        return str(_("按任职年限档次计算离任补贴时,该档的起点年限和各职务每月的补贴。"))
    if p.key.startswith("departure_age_") or p.key == "departure_director_ratio":
        return str(_("离任生活补贴的起领条件和主任的计发比例。"))
    return str(p.label)


def label(p: Param) -> str:
    """The parameter's Chinese name, without values spelt as keys ("值班日(all=每天, …)" → "值班日")."""
    text = str(p.label)
    return text.split("(all=")[0] if "(all=" in text else text


def choice_label(value: Any) -> str:
    return str(CHOICES.get(str(value), value))
