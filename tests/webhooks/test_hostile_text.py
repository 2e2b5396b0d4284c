"""Any text where a channel puts text: the lead is never lost (hypothesis, both stores).

test_hostile.py puts values of the wrong type where strings belong and accepts a clean failure.
Here every value has the type the channel documents, and only the text is hostile: NUL, control
and format characters, combining marks, right-to-left text, very long words. The webhook is
answered 200 and stored, and its processing ends `done` or `ignored` (no contact data in it),
never `failed` nor waiting for a retry: a lead that typed strange text is still a lead.
"""
from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from hub.pipeline import run
from tests import meta, telegram, zalo
from tests.conftest import FORM_TOKEN, OLD_APP_SECRET, WHATSAPP_SECRET
from tests.helpers import FORM_URL, rows

FUZZ = settings(max_examples=int(os.environ.get("HUB_FUZZ_EXAMPLES", "20")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text of every kind, with the characters databases and parsers trip on drawn often.
ODD = ["\x00", "\u0301", "\u200b", "\u202e", "\ufeff", "\r\n", "\t", "\\", '"', "'", "%", "\U0001f338", "\u0111",
       "\ud7ff", "\ufffd", "\x7f", "\u2028"]
# Halves of surrogate pairs: JSON escapes one ("\\ud83d", an emoji JavaScript cut in two). Meta's
# receivers refuse such a body with a 400 by design (test_hostile.py), so not for them.
HALVES = ["\ud83d", "\udc00"]
words = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


def _text(odd: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.one_of(words, st.sampled_from(odd)), max_size=8).map("".join),
        st.builds(lambda word, n: word * n, st.text(min_size=1, max_size=6), st.integers(40, 400)),
    )


def _ids(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Ids as the platforms write them (digits), or any text that is not blank."""
    return st.one_of(st.text(st.characters(min_codepoint=48, max_codepoint=57), min_size=1, max_size=20),
                     text.filter(lambda t: t.strip()))


text, meta_text = _text(ODD + HALVES), _text(ODD)
ids, meta_ids = _ids(text), _ids(meta_text)
phones = st.one_of(text, st.sampled_from(["0912 345 678", "+84 168 123 4567", "84912345678"]))
PHONE = "0912345678"


def _form(name: str, phone: str, email: str, other: str) -> tuple[str, bytes, dict[str, str]]:
    body = json.dumps({"ho_ten": name, "so_dien_thoai": phone, "email": email, "tinh": other,
                       "dia_chi": other, "loi_nhan": f"{other} {PHONE}", other[:40] or "x": other},
                      ).encode()  # ASCII with \u escapes: a surrogate half travels as JavaScript sends it
    return FORM_URL, body, {"Authorization": f"Bearer {FORM_TOKEN}", "Content-Type": "application/json",
                            "Idempotency-Key": "fuzz"}


def _messenger(sender: str, mid: str, words: str, name: str) -> tuple[str, bytes, dict[str, str]]:
    body = meta.meta_bytes(meta.page_delivery(meta.messaging_entry(
        meta.message(mid, f"{words} {PHONE}", sender=sender),
        {"sender": {"id": sender}, "recipient": {"id": meta.PAGE_ID}, "timestamp": meta.T * 1000,
         "postback": {"title": name, "payload": words, "mid": mid + "p",
                      "referral": {"ref": words, "source": "ADS", "type": "OPEN_THREAD", "ad_id": name}}}),
        meta.changes_entry(meta.comment(mid + "c", f"{words} {PHONE}", sender, name))))
    return "/webhooks/facebook", body, meta.signed(body, OLD_APP_SECRET)


def _whatsapp(wa_id: str, mid: str, words: str, name: str) -> tuple[str, bytes, dict[str, str]]:
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "84901234567", "phone_number_id": "106540352242922"},
             "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
             "messages": [{"from": wa_id, "id": mid, "timestamp": "1763860000", "type": "text",
                           "text": {"body": f"{words} {PHONE}"},
                           "referral": {"source_url": words, "source_id": name, "source_type": "ad"}}]}
    body = meta.meta_bytes({"object": "whatsapp_business_account", "entry": [
        {"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]})
    return "/webhooks/whatsapp", body, meta.signed(body, WHATSAPP_SECRET)


def _zalo(user: str, msg_id: str, words: str, name: str) -> tuple[str, bytes, dict[str, str]]:
    info = {"name": name, "phone": "84912345678", "address": words, "ward": words, "district": name,
            "city": words}
    if msg_id.isdigit():
        payload = zalo.user_event("user_submit_info", user=user, info=info)
    else:
        payload = zalo.user_send_text(msg_id, f"{words} {PHONE}", user=user)
    body = json.dumps(payload).encode()  # \u escapes, for the surrogate halves
    return zalo.URL, body, zalo.signed(body)


def _telegram(update: str, words: str, name: str) -> tuple[str, bytes, dict[str, str]]:
    """Telegram's user ids are integers: only the update's texts vary (and whether it shares a contact)."""
    sender = {"id": 5123456789, "is_bot": False, "first_name": name, "last_name": words, "username": words}
    shares_contact = update.isascii() and update.isdigit()
    update_id = int(update) % 2**31 if shares_contact else 7
    if shares_contact:
        payload = telegram.message(update_id, sender, contact={
            "phone_number": "84912345678", "first_name": name, "user_id": 5123456789})
    else:
        payload = telegram.text(update_id, f"{words} {PHONE}", sender=sender)
    return telegram.URL, json.dumps(payload).encode(), telegram.headers()


def _processed_cleanly(client: Any, hub: Any, queue: Any, request: tuple[str, bytes, dict[str, str]]) -> None:
    path, body, headers = request
    response = client.post(path, data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    while queue.ids:
        run(hub, queue.ids.pop(0))
    for event in rows(hub, "raw_events"):
        assert event["status"] in ("done", "ignored"), (event["status"], event["last_error"], body[:300])


@FUZZ
@given(name=text, phone=phones, email=text, other=text)
def test_a_form_with_any_text_is_processed(client, hub, queue, name, phone, email, other):
    _processed_cleanly(client, hub, queue, _form(name, phone, email, other))


@FUZZ
@given(sender=meta_ids, mid=meta_ids, words=meta_text, name=meta_text)
def test_messenger_postbacks_and_comments_with_any_text_are_processed(client, hub, queue, sender, mid, words, name):
    _processed_cleanly(client, hub, queue, _messenger(sender, mid, words, name))


@FUZZ
# wa_id is the sender's phone number in international format (a malformed one is a PayloadError).
@given(wa_id=st.sampled_from(["84912345678", "841681234567", "14155552671", "8562055555555"]), mid=meta_ids,
       words=meta_text, name=meta_text)
def test_whatsapp_messages_with_any_text_are_processed(client, hub, queue, wa_id, mid, words, name):
    _processed_cleanly(client, hub, queue, _whatsapp(wa_id, mid, words, name))


@FUZZ
@given(user=ids, msg_id=ids, words=text, name=text)
def test_zalo_texts_and_submitted_info_with_any_text_are_processed(client, hub, queue, user, msg_id, words, name):
    _processed_cleanly(client, hub, queue, _zalo(user, msg_id, words, name))


@FUZZ
@given(update=ids, words=text, name=text)
def test_telegram_texts_and_contacts_with_any_text_are_processed(client, hub, queue, update, words, name):
    _processed_cleanly(client, hub, queue, _telegram(update, words, name))
