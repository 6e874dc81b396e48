"""The words pages use for policy kinds, statuses and detainer conditions, in the reader's language."""

from flask_babel import lazy_gettext as _l

from campaign.policies.models import DetainerCondition, PolicyKind

KIND_LABELS = {
    PolicyKind.DETAINERS: _l("ICE detainers"),
    PolicyKind.AGREEMENT_287G: _l("287(g) agreement"),
    PolicyKind.SECURE_COMMUNITIES: _l("Secure Communities / PEP"),
    PolicyKind.STATE_LAW: _l("State law or executive order"),
    PolicyKind.RESOLUTION: _l("Council or board resolution"),
}

# Keyed by (kind, status) because "none" or "active" mean something only beside their kind.
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

CONDITION_LABELS = {
    DetainerCondition.JUDICIAL_WARRANT: _l("Only with a judicial warrant"),
    DetainerCondition.SERIOUS_CONVICTION: _l("Only after a serious conviction"),
    DetainerCondition.LIMIT_48_HOURS: _l("No longer than 48 hours"),
    DetainerCondition.NO_ICE_INTERVIEWS: _l("No ICE interviews in the jail"),
    DetainerCondition.NO_RELEASE_NOTICE: _l("No notice to ICE of release dates"),
}
