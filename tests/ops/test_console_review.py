"""The review queue and the contact page: decisions, per-field choices, N-way and bulk merges, undo."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.model import Suggestion
from hub.store.repository import add_suggestions
from hub.store.schema import MergeLogRow, MergeSuggestionRow
from tests.ops.console import NOW, add_contact, document, signed_in, suggest


def suggestion_ids(hub) -> dict[tuple[str, str], int]:
    with hub.store.sessions() as session:
        return {(r.contact_id, r.candidate_id): r.id for r in session.execute(select(MergeSuggestionRow)).scalars()}


def status(hub, suggestion_id: int) -> str:
    with hub.store.sessions() as session:
        return session.get(MergeSuggestionRow, suggestion_id).status


@pytest.fixture
def pairs(hub):
    """Three open suggestions: 0.91 (Zalo), 0.75 (form), 0.60 (form)."""
    c = {
        "lan": add_contact(hub, "1", "Nguyen Thi Lan", "0912345678", province="Hà Nội"),
        "lan2": add_contact(hub, "2", "Nguyễn Thị Lan", "0987654321", channel="zalo", province="TP.HCM",
                            text="Chị muốn tư vấn căn hộ 2 phòng ngủ"),
        "hung": add_contact(hub, "3", "Trần Văn Hùng", "0903111222"),
        "hung2": add_contact(hub, "4", "Hùng Trần", "0903111333"),
        "mai": add_contact(hub, "5", "Lê Thị Mai", "0904000111"),
        "mai2": add_contact(hub, "6", "Le Mai", "0904000222"),
    }
    suggest(hub, c["lan2"], c["lan"], 0.91)
    suggest(hub, c["hung2"], c["hung"], 0.75)
    suggest(hub, c["mai2"], c["mai"], 0.60)
    ids = suggestion_ids(hub)
    c["s_lan"], c["s_hung"], c["s_mai"] = (ids[(c["lan2"], c["lan"])], ids[(c["hung2"], c["hung"])],
                                           ids[(c["mai2"], c["mai"])])
    return c


def test_the_queue_shows_the_best_pair_first_side_by_side_with_evidence_and_leads(app, hub, pairs):
    client, _ = signed_in(app, hub, "lan", "ops")
    page = client.get("/ops/review").get_data(as_text=True)
    assert "Gợi ý 1 trên 3" in page and "0.91" in page
    for text in ("Nguyen Thi Lan", "Nguyễn Thị Lan", "+84912345678", "+84987654321", "Chị muốn tư vấn căn hộ",
                 "zalo", "given", "2.1", "Bằng chứng"):
        assert text in page, text
    assert f'id="next" href="/ops/review?at={pairs["s_hung"]}"' in page


@pytest.mark.parametrize("guard, vi, en", [
    ("no_name", "chỉ trùng số điện thoại hoặc email (hoặc cả hai), và một bên không có tên",
     "only a phone or an email (or both) links them"),
    ("chat_without_name", "chưa biết tên người nhắn", "who is writing"),
    ("shared_phone_other_given", "cùng số điện thoại nhưng khác tên gọi", "the same phone, another given name"),
    (None, "thấp hơn ngưỡng tự gộp", "below the merge threshold"),
])
def test_the_review_page_says_why_the_pair_needs_a_person(app, hub, guard, vi, en):
    a, b = add_contact(hub, "1", "Trần Thị Huyền", "0375492358"), add_contact(hub, "2", "Trần Văn Hoà", "0912000111")
    evidence = {"phone": {"level": "exact", "weight": 13.41}, **({"guard": guard} if guard else {})}
    with hub.store.transaction() as session:
        add_suggestions(session, b, [Suggestion(a, 0.8, evidence)], NOW)
    client, _ = signed_in(app, hub, "lan", "ops")
    assert vi in client.get("/ops/review").get_data(as_text=True)
    assert en in client.get("/ops/review?lang=en").get_data(as_text=True)


def test_accepting_keeps_the_value_chosen_from_the_other_side_and_moves_to_the_next_in_the_filter(app, hub, pairs):
    client, token = signed_in(app, hub, "lan", "ops")
    # The older contact ("Nguyen Thi Lan", Hà Nội) survives; ops keep the newer one's name.
    response = client.post(f"/ops/review/{pairs['s_lan']}/accept", data={
        "csrf_token": token, "choice_name": pairs["lan2"], "choice_province": pairs["lan"],
        "next": str(pairs["s_hung"]), "min_score": "0.7"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ops/review?at={pairs['s_hung']}&min_score=0.7"
    survivor = document(hub, pairs["lan"])
    assert (survivor["name"], survivor["province"]) == ("Nguyễn Thị Lan", "Thành phố Hà Nội")
    assert survivor["phones"] == ["+84912345678", "+84987654321"]
    assert document(hub, pairs["lan2"])["merged_into"] == pairs["lan"]
    assert status(hub, pairs["s_lan"]) == "accepted"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã gộp" in page and "Gợi ý 1 trên 1" in page and "Trần Văn Hùng" in page  # 0.60 is filtered out


def test_rejecting_is_remembered_and_the_pair_is_never_suggested_again(app, hub, pairs):
    client, token = signed_in(app, hub, "lan", "ops")
    response = client.post(f"/ops/review/{pairs['s_hung']}/reject",
                           data={"csrf_token": token, "next": str(pairs["s_mai"])})
    assert response.headers["Location"] == f"/ops/review?at={pairs['s_mai']}"
    assert status(hub, pairs["s_hung"]) == "rejected"
    with hub.store.transaction() as session:
        assert add_suggestions(session, pairs["hung"], [Suggestion(pairs["hung2"], 0.99)], NOW) == 0
    assert "Gợi ý 1 trên 2" in client.get("/ops/review").get_data(as_text=True)


def test_not_sure_keeps_the_suggestion_open_and_moves_on(app, hub, pairs):
    client, token = signed_in(app, hub, "lan", "ops")
    response = client.post(f"/ops/review/{pairs['s_lan']}/unsure",
                           data={"csrf_token": token, "next": str(pairs["s_hung"])})
    assert response.headers["Location"] == f"/ops/review?at={pairs['s_hung']}"
    assert status(hub, pairs["s_lan"]) == "open"


def test_deciding_twice_or_an_unknown_suggestion_is_a_clear_message_not_a_500(app, hub, pairs):
    client, token = signed_in(app, hub, "lan", "ops")
    client.post(f"/ops/review/{pairs['s_mai']}/reject", data={"csrf_token": token})
    again = client.post(f"/ops/review/{pairs['s_mai']}/accept", data={"csrf_token": token}, follow_redirects=True)
    assert again.status_code == 200 and "Gợi ý này đã được xử lý" in again.get_data(as_text=True)
    assert status(hub, pairs["s_mai"]) == "rejected"
    assert client.post("/ops/review/9999/reject", data={"csrf_token": token}).status_code == 404
    bad = client.post(f"/ops/review/{pairs['s_lan']}/accept", data={"csrf_token": token, "choice_name": "not-an-id"},
                      follow_redirects=True)
    assert "Không thể gộp" in bad.get_data(as_text=True) and status(hub, pairs["s_lan"]) == "open"
    assert "Điểm tối thiểu phải là số" in client.get("/ops/review?min_score=abc").get_data(as_text=True)


def test_related_contacts_can_be_merged_in_the_same_accept(app, hub, pairs):
    third = add_contact(hub, "7", "Lan Nguyễn", "0912999888")
    suggest(hub, third, pairs["lan"], 0.66)
    client, token = signed_in(app, hub, "lan", "ops")
    page = client.get(f"/ops/review?at={pairs['s_lan']}").get_data(as_text=True)
    assert f'name="also" value="{third}"' in page
    client.post(f"/ops/review/{pairs['s_lan']}/accept", data={"csrf_token": token, "also": [third]})
    survivor = document(hub, pairs["lan"])
    assert set(survivor["phones"]) == {"+84912345678", "+84987654321", "+84912999888"}
    with hub.store.sessions() as session:
        [log] = session.execute(select(MergeLogRow)).scalars()
    assert sorted(log.merged_ids) == sorted([pairs["lan2"], third])


def test_bulk_accept_merges_only_the_filtered_set(app, hub, pairs):
    client, token = signed_in(app, hub, "lan", "ops")
    refused = client.post("/ops/review/bulk-accept", data={"csrf_token": token}, follow_redirects=True)
    assert "cần điểm tối thiểu" in refused.get_data(as_text=True)
    response = client.post("/ops/review/bulk-accept", data={"csrf_token": token, "min_score": "0.6",
                                                            "channel": "zalo"}, follow_redirects=True)
    assert "Số gợi ý đã gộp: 1" in response.get_data(as_text=True)
    assert [status(hub, pairs[k]) for k in ("s_lan", "s_hung", "s_mai")] == ["accepted", "open", "open"]
    client.post("/ops/review/bulk-accept", data={"csrf_token": token, "min_score": "0.7"})
    assert [status(hub, pairs[k]) for k in ("s_lan", "s_hung", "s_mai")] == ["accepted", "accepted", "open"]


def test_undo_from_the_contact_page_restores_the_contacts_exactly(app, hub, pairs):
    before = {k: document(hub, pairs[k]) for k in ("lan", "lan2")}
    client, token = signed_in(app, hub, "lan", "ops")
    client.post(f"/ops/review/{pairs['s_lan']}/accept", data={"csrf_token": token, "choice_name": pairs["lan2"]})
    page = client.get(f"/ops/contacts/{pairs['lan']}").get_data(as_text=True)
    with hub.store.sessions() as session:
        merge_id = session.execute(select(MergeLogRow.id)).scalar_one()
    assert f"/ops/merges/{merge_id}/undo" in page and "Chị muốn tư vấn căn hộ" in page
    name_row = page.split("<td>Họ tên</td>")[1].split("</tr>")[0]
    assert f'/ops/contacts/{pairs["lan2"]}"' in name_row and f'/ops/contacts/{pairs["lan"]}"' not in name_row
    province_row = page.split("<td>Tỉnh/thành</td>")[1].split("</tr>")[0]
    assert f'/ops/contacts/{pairs["lan"]}"' in province_row and f'/ops/contacts/{pairs["lan2"]}"' not in province_row
    response = client.post(f"/ops/merges/{merge_id}/undo", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã hoàn tác" in response.get_data(as_text=True)
    assert {k: document(hub, pairs[k]) for k in ("lan", "lan2")} == before
    assert status(hub, pairs["s_lan"]) == "open"


def test_an_undo_a_later_merge_depends_on_is_refused_with_a_clear_message(app, hub, pairs):
    client, token = signed_in(app, hub, "lan", "ops")
    client.post(f"/ops/review/{pairs['s_lan']}/accept", data={"csrf_token": token})
    other = add_contact(hub, "8", "Lan Nguyễn", "0912000999")
    suggest(hub, other, pairs["lan"], 0.8)
    later = suggestion_ids(hub)[(other, pairs["lan"])]
    client.post(f"/ops/review/{later}/accept", data={"csrf_token": token})
    middle = document(hub, pairs["lan"])
    with hub.store.sessions() as session:
        first, second = session.execute(select(MergeLogRow.id).order_by(MergeLogRow.id)).scalars()
    response = client.post(f"/ops/merges/{first}/undo", data={"csrf_token": token}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Không thể hoàn tác" in text and "hãy hoàn tác lần gộp sau trước" in text
    assert document(hub, pairs["lan"]) == middle
    client.post(f"/ops/merges/{second}/undo", data={"csrf_token": token})
    client.post(f"/ops/merges/{first}/undo", data={"csrf_token": token})
    assert document(hub, pairs["lan2"])["merged_into"] is None


def test_the_contact_page_shows_sources_timeline_and_attribution(app, hub):
    contact = add_contact(hub, "lg-1", "Phạm Thu Hà", "0168 123 4567", email="Ha.Pham@Gmail.com",
                          channel="facebook_leadads", text="Cho em xin báo giá",
                          attribution={"campaign_name": "Tết 2027", "ad_id": "120200001"})
    client, _ = signed_in(app, hub, "xem", "viewer")
    page = client.get(f"/ops/contacts/{contact}").get_data(as_text=True)
    for text in ("Phạm Thu Hà", "+84381234567", "Ha.Pham@gmail.com", "facebook_leadads:lg-1", "Cho em xin báo giá",
                 "campaign_name=Tết 2027", "ad_id=120200001", "Dòng thời gian", "Lịch sử gộp"):
        assert text in page, text
    assert client.get("/ops/contacts/no-such-contact").status_code == 404
