"""hub contacts renormalize: stored leads read again by a newer normalizer."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

import hub.normalize.name as name_module
from hub.model import Consent, Identity, LeadDraft
from hub.normalize import normalize
from hub.store.merging import merge_contacts, unmerge
from hub.store.renormalize import remaining, renormalize
from hub.store.repository import apply_lead
from tests.helpers import rows

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)
PSID = Identity("facebook", "page1", "6001234567890123")


def _store(hub, *drafts: LeadDraft) -> None:
    for draft in drafts:
        with hub.store.transaction() as session:
            apply_lead(session, normalize(draft), None)


def _form(ref: str, name: str, *phones: str, **more) -> LeadDraft:
    return LeadDraft(channel="form", source_ref=ref, captured_at=NOW, name=name, phones=phones, **more)


@pytest.fixture
def old_reader(monkeypatch):
    """The normalizer as it was before it read Telex names and numbers spelt in words."""
    monkeypatch.setattr(name_module, "untelex", lambda text: text)
    monkeypatch.setattr("hub.normalize.extract.spell_digits", lambda text: text)
    monkeypatch.setattr("hub.normalize.phone.spell_digits", lambda text: text)
    name_module.normalize_name.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    name_module.normalize_name.cache_clear()


def _stored_by_the_old_reader(hub, old_reader, *drafts: LeadDraft) -> None:
    _store(hub, *drafts)
    old_reader.undo()
    name_module.normalize_name.cache_clear()


def active(hub) -> list[dict]:
    return [c for c in rows(hub, "contacts") if c["merged_into"] is None]


def test_a_telex_name_and_a_number_in_words_are_read_again(hub, old_reader):
    comment = LeadDraft(channel="facebook", source_ref="c1", captured_at=NOW, name="Trần Văn Hùng", identity=PSID,
                        text="Tư vấn giúp em, sđt không chín tám bảy sáu năm bốn ba hai một")
    _stored_by_the_old_reader(hub, old_reader, _form("f1", "Nguyeenx Thij Lan", "0912345678"), comment,
                              _form("f2", "Trần Văn Hùng", "0987654321"))
    assert sorted(c["name"] for c in active(hub)) == ["Nguyeenx Thij Lan", "Trần Văn Hùng", "Trần Văn Hùng"]

    result = renormalize(hub.store, batch=2)
    assert (result.leads, result.changed, result.renamed, result.points, result.merged) == (3, 2, 1, 1, 1)
    assert result.examples == [("Nguyeenx Thij Lan", "Nguyễn Thị Lan")]
    lan, hung = sorted(active(hub), key=lambda c: c["name"])
    assert (lan["name"], lan["family_name"], lan["given_name"]) == ("Nguyễn Thị Lan", "Nguyễn", "Lan")
    # The comment's contact now has the number its sender spelt, and joined the form's contact.
    phones = {r["value"] for r in rows(hub, "contact_points") if r["kind"] == "phone"}
    assert phones == {"+84912345678", "+84987654321"}
    leads = {lead["source_ref"]: lead for lead in rows(hub, "leads")}
    assert leads["c1"]["contact_id"] == hung["id"]  # the older of the two survives
    assert [c["merged_into"] for c in rows(hub, "contacts") if c["merged_into"]] == [hung["id"]]
    assert leads["f1"]["data"]["name"]["display"] == "Nguyễn Thị Lan"
    assert leads["f1"]["data"]["name"]["raw"] == "Nguyeenx Thij Lan"
    assert [p["e164"] for p in leads["c1"]["data"]["phones"]] == ["+84987654321"]
    updated = [e for e in rows(hub, "outbox") if e["type"] == "contact.updated" and "renormalized" in e["payload"]]
    assert len(updated) == 2
    [log] = rows(hub, "merge_log")
    assert log["actor"] == "renormalize"

    again = renormalize(hub.store)
    assert (again.leads, again.changed, again.merged) == (3, 0, 0)

    with hub.store.transaction() as session:  # the merge it made is undone like any other
        unmerge(session, log["id"], actor="ops:lan")
    assert len(active(hub)) == 3


def test_a_name_survivorship_chose_from_another_lead_stays(hub, old_reader):
    # Read as it was, "Nguyeenx Lan" is another family name: the two went to review, and ops merged them.
    _stored_by_the_old_reader(hub, old_reader, _form("a", "Nguyeenx Lan", "0912345678"),
                              _form("b", "Nguyễn Thị Lan", "0912 345 678"))
    first, second = active(hub)
    with hub.store.transaction() as session:
        merge_contacts(session, first["id"], [second["id"]], actor="ops:lan")
    [contact] = active(hub)
    assert contact["name"] == "Nguyễn Thị Lan"  # the more complete name
    result = renormalize(hub.store)
    assert (result.changed, result.renamed, result.points, result.merged) == (1, 0, 0, 0)
    [after] = active(hub)
    assert (after["name"], after["version"]) == ("Nguyễn Thị Lan", contact["version"])  # untouched
    assert rows(hub, "leads")[0]["data"]["name"]["display"] == "Nguyễn Lan"


def test_a_dry_run_counts_and_writes_nothing(hub, old_reader):
    _stored_by_the_old_reader(hub, old_reader, _form("f1", "Nguyeenx Thij Lan", "0912345678"),
                              _form("f2", "Lê Văn Tám", "khong chin mot hai ba bon nam sau bay tam"))
    before = (rows(hub, "contacts"), rows(hub, "leads"), rows(hub, "contact_points"), rows(hub, "outbox"))
    result = renormalize(hub.store, dry_run=True)
    assert (result.leads, result.changed, result.renamed, result.points) == (2, 2, 1, 1)
    assert (rows(hub, "contacts"), rows(hub, "leads"), rows(hub, "contact_points"), rows(hub, "outbox")) == before
    assert remaining(hub.store) == 2


def test_an_interrupted_run_resumes_where_it_stopped(hub, old_reader):
    _stored_by_the_old_reader(hub, old_reader, *(_form(str(n), "Nguyeenx Thij Lan", f"09123456{n:02}")
                                                 for n in range(5)))

    def stop_after_first_batch(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        renormalize(hub.store, batch=2, progress=stop_after_first_batch)
    assert remaining(hub.store) == 3
    result = renormalize(hub.store, batch=2)
    assert (result.leads, result.changed) == (3, 3)
    assert {c["name"] for c in active(hub)} == {"Nguyễn Thị Lan"}
    assert remaining(hub.store) == 5  # finished: the next run starts over


DRAFTS = [  # what connectors give, in their variety: the stored reading must rebuild to itself
    _form("p1", "chị Nguyễn Thị Lan", "0912.345.678 / 0168 123 4567", emails=("Lan.Nguyen+shop@GMAIL.com",),
          province="TP. HCM", address="12 Lê Lợi, Q1"),
    _form("p2", "Shop Hoa Xinh", "Zalo 2", "12345", emails=("lan@@gmail", "hoa@yahoo.com.vn")),
    _form("p3", "", "", province="Hà Tây"),
    LeadDraft(channel="form", source_ref="p4", captured_at=NOW, given_name="Lan", family_name="Trần",
              phones=("+84 987 654 321",), consent=Consent(purpose="marketing", given=True, source="form:dong_y",
                                                          detail={"dong_y": "có"})),
    LeadDraft(channel="whatsapp", source_ref="p5", captured_at=NOW, name="Tuấn Béo",
              identity=Identity("whatsapp", "106540352242922", "84912345678"),
              linked_identities=(Identity("whatsapp", "bsuid", "VN.1502576394655843"),),
              phones=("+84912345678",), text="em gửi mail lan@gmail.com, sđt 0987 654 321 ạ",
              extra={"username": "@tuan"}),
    LeadDraft(channel="messenger", source_ref="p6", captured_at=NOW, identity=PSID,
              text="0️⃣9️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ nha, giá 1.500.000đ, stk 0123456789 vcb"),
]


def test_a_lead_stored_by_this_version_is_read_back_to_itself(hub):
    _store(hub, *DRAFTS)
    result = renormalize(hub.store)
    assert (result.leads, result.changed) == (len(DRAFTS), 0)
