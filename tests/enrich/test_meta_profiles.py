"""Messenger and Instagram DM senders' names from (the fake) Graph, by the same enrichment jobs."""
from __future__ import annotations

from dataclasses import replace

from hub import channel_health
from hub.config import FacebookPage
from hub.runtime import Hub
from tests.conftest import PAGE_ID, PAGE_TOKEN
from tests.helpers import drain, row_count, rows
from tests.meta import message, messaging_entry, meta_bytes, page_delivery, signed

URL = "/webhooks/facebook"
PSID = "6001234567890123"
IG_ACCOUNT = "17841400000000001"
IGSID = "5501234567890"


def post(client, payload) -> None:  # type: ignore[no-untyped-def]
    body = meta_bytes(payload)
    assert client.post(URL, data=body, headers=signed(body)).status_code == 200


def with_pages(hub: Hub, **tokens: str) -> None:
    """The hub as it runs after the operator changed page tokens (config, then restart)."""
    pages = {page: FacebookPage(page_id=page, token=token) for page, token in tokens.items()}
    hub.settings = replace(hub.settings, facebook=replace(hub.settings.facebook, pages=pages))


def test_a_messenger_sender_gets_the_name_from_the_profile_api(client, hub, queue, graph):
    graph.profiles[PSID] = {"first_name": "Lan", "last_name": "Nguyễn", "name": "Lan Nguyễn",
                            "profile_pic": "https://x/pic.jpg"}
    post(client, page_delivery(messaging_entry(message("m_p1", "Shop ơi còn hàng không ạ?"))))
    assert drain(hub, queue) == ["done"]
    hub.sweep()
    [contact] = rows(hub, "contacts")
    assert (contact["family_name"], contact["given_name"]) == ("Nguyễn", "Lan")
    [(path, args)] = graph.requests
    assert (path, args["fields"], args["access_token"]) == (f"/v21.0/{PSID}", "first_name,last_name,name", PAGE_TOKEN)
    assert [e["type"] for e in rows(hub, "outbox")] == ["contact.created", "contact.updated"]
    assert row_count(hub, "leads") == 1
    post(client, page_delivery(messaging_entry(message("m_p2", "alo"))))
    drain(hub, queue)
    assert row_count(hub, "enrichments") == 1  # a known sender is not fetched again


def test_an_instagram_sender_gets_the_name_but_never_the_username_as_a_name(client, hub, queue, graph):
    with_pages(hub, **{PAGE_ID: PAGE_TOKEN, IG_ACCOUNT: "EAAB-ig-page-token"})
    graph.profiles[IGSID] = {"name": "Trần Thị Mai", "username": "mai.tran.97"}
    graph.profiles["5509"] = {"username": "hoa_shop_sg"}
    for mid, sender in (("ig_m1", IGSID), ("ig_m2", "5509")):
        dm = message(mid, "tư vấn giúp mình", sender=sender, page_id=IG_ACCOUNT)
        post(client, page_delivery(messaging_entry(dm, page_id=IG_ACCOUNT), obj="instagram"))
    assert drain(hub, queue) == ["done", "done"]
    hub.sweep()
    assert [r["status"] for r in rows(hub, "enrichments")] == ["done", "done"]
    assert sorted(str(c["name"]) for c in rows(hub, "contacts")) == ["None", "Trần Thị Mai"]
    asked = {path: args for path, args in graph.requests}
    assert asked[f"/v21.0/{IGSID}"]["fields"] == "name,username"
    assert asked[f"/v21.0/{IGSID}"]["access_token"] == "EAAB-ig-page-token"


def test_code_190_parks_the_profile_flags_the_page_and_a_new_token_resumes_it(client, hub, queue, graph):
    graph.valid_tokens.add("EAAB-page-token-2")  # the configured token has expired
    graph.profiles[PSID] = {"first_name": "Hùng", "last_name": "Phạm", "name": "Phạm Văn Hùng"}
    post(client, page_delivery(messaging_entry(message("m_190", "giá sao shop"))))
    assert drain(hub, queue) == ["done"]  # the lead does not wait for the profile
    hub.sweep()
    [job] = rows(hub, "enrichments")
    assert job["status"] == "needs_token" and "Graph refused the token" in job["last_error"]
    assert [(r.channel, r.scope) for r in channel_health.unhealthy(hub.store)] == [("facebook", PAGE_ID)]
    hub.sweep()
    assert rows(hub, "enrichments")[0]["status"] == "needs_token"  # same token: waits
    with_pages(hub, **{PAGE_ID: "EAAB-page-token-2"})
    hub.sweep()
    assert rows(hub, "enrichments")[0]["status"] == "done"
    assert rows(hub, "contacts")[0]["name"] == "Phạm Văn Hùng"
    assert channel_health.unhealthy(hub.store) == []


def test_a_graph_rate_limit_is_retried(client, hub, queue, graph):
    graph.profiles[PSID] = {"first_name": "Thuý", "last_name": "Lê", "name": "Lê Thị Thuý"}
    graph.fail_next("page_rate_limit")
    post(client, page_delivery(messaging_entry(message("m_rl", "alo"))))
    drain(hub, queue)
    hub.sweep()
    job = rows(hub, "enrichments")[0]
    assert (job["status"], job["attempts"]) == ("pending", 1)
    hub.sweep()
    assert rows(hub, "contacts")[0]["name"] == "Lê Thị Thuý"
