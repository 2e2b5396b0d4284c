"""Facebook Lead Ads: the webhook carries only ids; the lead itself is fetched from Graph.

https://developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.config import Settings
from hub.connectors import consent, graph
from hub.connectors.meta import Envelope, from_graph_time, from_seconds, load
from hub.errors import PayloadError
from hub.model import LeadDraft, RawEvent

CHANNEL = "facebook_leadads"
LEAD_FIELDS = ("id,created_time,field_data,ad_id,ad_name,adset_id,adset_name,campaign_id,"
               "campaign_name,form_id,platform,is_organic,custom_disclaimer_responses")
# Meta's standard questions (https://www.facebook.com/business/help/1455237914801781) -> lead
# fields; any other question goes to the form's mapping in the settings, else to extra.
STANDARD_QUESTIONS = {
    "full_name": "name", "first_name": "given_name", "last_name": "family_name",
    "phone_number": "phone", "phone": "phone", "work_phone_number": "phone",
    "email": "email", "work_email": "email",
    "province": "province", "state": "province", "city": "province",
    "street_address": "address",
}
ATTRIBUTION = ("ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "campaign_name",
               "form_id", "platform", "is_organic")


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead. Raises PayloadError, TokenInvalid (code 190 / no token) or TransientError."""
    envelope = load(event)
    value = envelope.item
    leadgen_id = str(value.get("leadgen_id") or "")
    page_id = str(value.get("page_id") or envelope.entry_id)
    if not leadgen_id or not page_id:
        raise PayloadError("a leadgen change without leadgen_id or page_id")
    lead = envelope.lead or graph.get(
        settings, leadgen_id, page_id=page_id, token=settings.facebook.page_token(page_id),
        params={"fields": LEAD_FIELDS},
    )
    return [draft(event, envelope, lead, settings)]


def draft(event: RawEvent, envelope: Envelope, lead: Mapping[str, Any], settings: Settings) -> LeadDraft:
    value = envelope.item
    form_id = str(lead.get("form_id") or value.get("form_id") or "")
    form = settings.facebook.forms.get(form_id)
    answers, extra, agreed = _answers(lead.get("field_data"), form.fields if form else {})
    agreed.update(_disclaimer(lead.get("custom_disclaimer_responses")))
    attribution = {"page_id": str(value.get("page_id") or envelope.entry_id),
                   "leadgen_id": str(value["leadgen_id"]), "form_id": form_id}
    attribution["adset_id"] = str(value.get("adgroup_id") or "")
    for name in ATTRIBUTION:
        source = lead.get(name, value.get(name))
        if source not in (None, ""):
            attribution[name] = str(source).lower() if isinstance(source, bool) else str(source)
    captured = (from_graph_time(lead.get("created_time")) or from_seconds(value.get("created_time"))
                or event.received_at)

    def first(target: str) -> str | None:
        return answers[target][0] if answers.get(target) else None

    return LeadDraft(
        channel=CHANNEL, source_ref=str(value["leadgen_id"]), captured_at=captured,
        name=first("name"), given_name=first("given_name"), family_name=first("family_name"),
        phones=tuple(answers.get("phone", ())), emails=tuple(answers.get("email", ())),
        province=first("province"), address=first("address"),
        text="\n".join(answers.get("message", ())) or None,
        attribution=attribution, extra=extra, consent=consent.from_answers(CHANNEL, agreed),
    )


def _disclaimer(responses: Any) -> dict[str, list[str]]:
    """Meta's custom disclaimer checkboxes: [{"checkbox_key", "is_checked": "1" | ""}]
    (https://developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving)."""
    if not isinstance(responses, list):
        return {}
    return {f"disclaimer:{r.get('checkbox_key') or i}": [str(r.get("is_checked") or "")]
            for i, r in enumerate(responses) if isinstance(r, dict)}


Answers = dict[str, list[str]]


def _answers(field_data: Any, mapping: Mapping[str, str]) -> tuple[Answers, dict[str, Any], Answers]:
    """Answers by lead field (the form's mapping first, then standard names), the rest, and
    consent questions by name."""
    if not isinstance(field_data, list):
        raise PayloadError(f"the lead has no field_data list: {field_data!r}")
    answers: dict[str, list[str]] = {}
    extra: dict[str, Any] = {}
    agreed: dict[str, list[str]] = {}
    ordered = sorted(field_data, key=lambda f: f.get("name") == "city" if isinstance(f, dict) else 0)
    for question in ordered:  # city last: a province answer wins over it
        if not isinstance(question, dict):
            continue
        name = str(question.get("name") or "")
        values = [str(v).strip() for v in question.get("values") or [] if str(v).strip()]
        target = mapping.get(name) or STANDARD_QUESTIONS.get(name)
        if target == "consent" or target is None and consent.is_consent_field(name):
            agreed[name] = values
            continue
        if not values:
            continue
        if target is None:
            extra[name] = values[0] if len(values) == 1 else values
        else:
            answers.setdefault(target, []).extend(values)
    return answers, extra, agreed
