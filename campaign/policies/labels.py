"""The words pages use for policy kinds, statuses, detainer conditions and measure stages, in the
reader's language."""

from flask_babel import lazy_gettext as _l

from campaign.policies.models import DetainerCondition, MeasureStage, PolicyKind

KIND_LABELS = {
    PolicyKind.DETAINERS: _l("ICE detainers"),
    PolicyKind.AGREEMENT_287G: _l("287(g) agreement"),
    PolicyKind.SECURE_COMMUNITIES: _l("Secure Communities / PEP"),
    PolicyKind.STATE_LAW: _l("State law or executive order"),
    PolicyKind.RESOLUTION: _l("Council or board resolution"),
}

# What a status is called in a list of options and on an entry's page; keyed by (kind, status)
# because "none" or "active" mean something only beside their kind.
STATUS_LABELS = {
    (PolicyKind.DETAINERS, "honors_all"): _l("Honors all"),
    (PolicyKind.DETAINERS, "conditions"): _l("Honors only with conditions"),
    (PolicyKind.DETAINERS, "refuses"): _l("Refuses"),
    (PolicyKind.AGREEMENT_287G, "jail"): _l("Jail model"),
    (PolicyKind.AGREEMENT_287G, "task_force"): _l("Task force model"),
    (PolicyKind.AGREEMENT_287G, "warrant_service"): _l("Warrant service officer"),
    (PolicyKind.AGREEMENT_287G, "none"): _l("No agreement"),
    (PolicyKind.SECURE_COMMUNITIES, "active"): _l("Active"),
    (PolicyKind.SECURE_COMMUNITIES, "suspended"): _l("Suspended"),
    (PolicyKind.SECURE_COMMUNITIES, "opted_out"): _l("Opted out"),
    (PolicyKind.STATE_LAW, "requires"): _l("Requires cooperation with ICE"),
    (PolicyKind.STATE_LAW, "limits"): _l("Limits cooperation with ICE (TRUST Act-style)"),
    (PolicyKind.RESOLUTION, "supports"): _l("Supports cooperation with ICE"),
    (PolicyKind.RESOLUTION, "opposes"): _l("Opposes cooperation with ICE"),
}

# The same status as a phrase that reads alone, after a place's name or in a count: "Hennepin
# County, MN: refuses ICE holds".
STATUS_PHRASES = {
    (PolicyKind.DETAINERS, "honors_all"): _l("honors all ICE holds"),
    (PolicyKind.DETAINERS, "conditions"): _l("honors ICE holds only with conditions"),
    (PolicyKind.DETAINERS, "refuses"): _l("refuses ICE holds"),
    (PolicyKind.AGREEMENT_287G, "jail"): _l("287(g): jail model"),
    (PolicyKind.AGREEMENT_287G, "task_force"): _l("287(g): task force model"),
    (PolicyKind.AGREEMENT_287G, "warrant_service"): _l("287(g): warrant service officers"),
    (PolicyKind.AGREEMENT_287G, "none"): _l("no 287(g) agreement"),
    (PolicyKind.SECURE_COMMUNITIES, "active"): _l("takes part in Secure Communities / PEP"),
    (PolicyKind.SECURE_COMMUNITIES, "suspended"): _l("suspended Secure Communities / PEP"),
    (PolicyKind.SECURE_COMMUNITIES, "opted_out"): _l("opted out of Secure Communities / PEP"),
    (PolicyKind.STATE_LAW, "requires"): _l("state law requires cooperation with ICE"),
    (PolicyKind.STATE_LAW, "limits"): _l("state law limits cooperation with ICE"),
    (PolicyKind.RESOLUTION, "supports"): _l("resolution supporting cooperation with ICE"),
    (PolicyKind.RESOLUTION, "opposes"): _l("resolution opposing cooperation with ICE"),
}

CONDITION_LABELS = {
    DetainerCondition.JUDICIAL_WARRANT: _l("Only with a judicial warrant"),
    DetainerCondition.SERIOUS_CONVICTION: _l("Only after a serious conviction"),
    DetainerCondition.LIMIT_48_HOURS: _l("No longer than 48 hours"),
    DetainerCondition.NO_ICE_INTERVIEWS: _l("No ICE interviews in the jail"),
    DetainerCondition.NO_RELEASE_NOTICE: _l("No notice to ICE of release dates"),
}


def conditions_of(flags: int) -> list:
    """The labels of the conditions set in an entry's `conditions` integer, in a fixed order."""
    return [label for condition, label in CONDITION_LABELS.items() if flags & condition]


STAGE_LABELS = {
    MeasureStage.INTRODUCED: _l("Introduced"),
    MeasureStage.COMMITTEE: _l("In committee"),
    MeasureStage.HEARING: _l("Hearing"),
    MeasureStage.VOTE: _l("Up for a vote"),
    MeasureStage.PASSED: _l("Passed"),
    MeasureStage.FAILED: _l("Failed"),
    MeasureStage.WITHDRAWN: _l("Withdrawn"),
}

# The badge of a decided measure: won like an active campaign, lost like a cancelled one; the
# open stages all wear the waiting one.
STAGE_BADGES = {
    MeasureStage.PASSED: "status-active",
    MeasureStage.FAILED: "status-cancelled",
    MeasureStage.WITHDRAWN: "status-cancelled",
}


def stage_badge(stage: str) -> str:
    return STAGE_BADGES.get(stage, "status-proposed")
