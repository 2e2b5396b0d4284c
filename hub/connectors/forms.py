"""Website forms: JSON, urlencoded or multipart bodies mapped to a lead by the form's settings."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from hub.config import FormSettings, Settings
from hub.connectors import consent
from hub.errors import IgnoreEvent, PayloadError
from hub.model import LeadDraft, RawEvent
from hub.normalize import fold

FormData = dict[str, list[str]]

# Field names sites commonly use, folded (see _field_key), for forms without an explicit mapping.
ALIASES: dict[str, str] = {
    **dict.fromkeys(["name", "full_name", "fullname", "ho_ten", "hoten", "ho_va_ten", "ten",
                     "your_name", "customer_name", "ten_khach_hang"], "name"),
    **dict.fromkeys(["first_name", "firstname", "given_name"], "given_name"),
    **dict.fromkeys(["last_name", "lastname", "family_name", "surname", "ho"], "family_name"),
    **dict.fromkeys(["phone", "phone_number", "tel", "mobile", "sdt", "so_dien_thoai",
                     "dien_thoai", "dt", "your_phone", "zalo"], "phone"),
    **dict.fromkeys(["email", "e_mail", "mail", "your_email"], "email"),
    **dict.fromkeys(["province", "tinh", "tinh_thanh", "tinh_thanh_pho", "thanh_pho", "city",
                     "khu_vuc"], "province"),
    **dict.fromkeys(["address", "dia_chi"], "address"),
    **dict.fromkeys(["message", "ghi_chu", "note", "notes", "noi_dung", "loi_nhan", "comment",
                     "your_message", "yeu_cau"], "message"),
}
ATTRIBUTION_FIELDS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid", "fbclid",
     "page_url", "landing_url", "url", "referrer"}
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def parse_body(body: bytes, content_type: str) -> FormData:
    """Read a form submission into field -> values. Raises PayloadError when it cannot."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return _parse_json(body)
    if media_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _parse_form(body, content_type)
    raise PayloadError(
        f"unsupported content type {media_type or '(none)'!r}: send JSON, "
        "application/x-www-form-urlencoded or multipart/form-data"
    )


def _parse_json(body: bytes) -> FormData:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError(f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise PayloadError("body is not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise PayloadError("JSON body must be an object of form fields")
    fields: FormData = {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        fields[str(key)] = [_scalar(v) for v in values if v is not None]
    return fields


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _parse_form(body: bytes, content_type: str) -> FormData:
    if "multipart/form-data" in content_type.lower() and "boundary=" not in content_type:
        raise PayloadError("multipart body without a boundary")
    environ = EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ()
    request = Request(environ)
    try:
        form = request.form
    except ValueError as exc:
        raise PayloadError(f"form body could not be read: {exc}") from None
    fields: FormData = {key: form.getlist(key) for key in form}
    for key, upload in request.files.items(multi=True):
        fields.setdefault(key, []).append(f"(file {upload.filename or 'unnamed'})")
    return fields


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead draft for one submission."""
    form = settings.forms.get(event.route)
    if form is None:
        raise PayloadError(f"form {event.route!r} is no longer configured")
    fields = parse_body(event.body, event.headers.get("Content-Type", ""))
    if form.honeypot and any(v.strip() for v in fields.get(form.honeypot, [])):
        raise IgnoreEvent(f"honeypot field {form.honeypot!r} was filled in (spam)")
    lead: dict[str, list[str]] = {}
    attribution: dict[str, str] = {"form_key": form.key}
    extra: dict[str, Any] = {}
    agreed: dict[str, list[str]] = {}
    for name, values in fields.items():
        target = _target(form, name)
        if target == "consent":  # an empty value is an answer too ("no")
            agreed[name] = [v.strip() for v in values]
            continue
        values = [v.strip() for v in values if v.strip()]
        if name == form.honeypot or not values:
            continue
        if target is not None:
            lead.setdefault(target, []).extend(values)
        elif _field_key(name) in ATTRIBUTION_FIELDS:
            attribution[_field_key(name)] = values[0]
        else:
            extra[name] = values[0] if len(values) == 1 else values
    referrer = event.headers.get("Referer")
    if referrer and "page_url" not in attribution:
        attribution["page_url"] = referrer
    return [replace(_draft(event, lead, attribution, extra), consent=consent.from_answers("form", agreed))]


def _target(form: FormSettings, name: str) -> str | None:
    if name in form.fields:
        return form.fields[name]
    if consent.is_consent_field(name):  # never lead data, whatever the mapping says
        return "consent"
    # An explicit mapping is the whole truth; without one, common field names are recognised.
    return None if form.fields else ALIASES.get(_field_key(name))


def _field_key(name: str) -> str:
    return _NON_WORD.sub("_", fold(name)).strip("_")


def _draft(event: RawEvent, lead: Mapping[str, list[str]], attribution: dict[str, str],
           extra: dict[str, Any]) -> LeadDraft:
    def first(field: str) -> str | None:
        return " ".join(lead[field]) if field in lead else None

    return LeadDraft(
        channel="form",
        source_ref=event.delivery_key,
        captured_at=event.received_at,
        name=first("name"),
        given_name=first("given_name"),
        family_name=first("family_name"),
        phones=tuple(lead.get("phone", ())),
        emails=tuple(lead.get("email", ())),
        province=first("province"),
        address=first("address"),
        text=first("message"),
        attribution=attribution,
        extra=extra,
    )
