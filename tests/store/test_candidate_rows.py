"""PostgreSQL reads candidates in one statement (hub.store.candidate_rows); every other
database through SQLAlchemy (portable_find_candidates). On the same PostgreSQL store both must
return the same contacts, field for field, in the same order: hot keys, the 100-candidate cap,
merged contacts standing for their survivors (chains of merges), points over a survivor's members."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

from benchmarks.dedupe_data import generate
from hub import dedupe
from hub.normalize import normalize
from hub.store import Store, lock_keys
from hub.store.contacts import (HOT_KEY_LIMIT, MAX_CANDIDATES, candidates_by_id, find_candidates,
                                members_of, portable_candidates_by_id, portable_find_candidates, roots_of)
from hub.store.schema import ContactPointRow, ContactRow, MatchKeyRow

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)
# Key sizes around the hot-key limit and the candidate cap: 1-3 contacts, exactly the limit, one over it.
KEY_SIZES = {f"k:{n}": size for n, size in enumerate([1, 2, 3, 1, 5, 8, 13, 21, 34, 45, 49, HOT_KEY_LIMIT,
                                                       HOT_KEY_LIMIT, HOT_KEY_LIMIT + 1, 60, 1, 2, 4, 40, 47])}
NAMES = ["Nguyễn Thị Lan", "Lan Nguyen", "chị Lan", "Trần Văn Hùng", "Shop Mỹ Phẩm ABC", "Lê Minh", None]


def _populate(store: Store, seed: int, count: int = 400) -> list[str]:
    """`count` contacts with names, points and arbitrary blocking keys (sized by KEY_SIZES),
    a sixth merged into a later one (so chains of merges form); their ids."""
    rng = random.Random(seed)
    ids = [f"{seed:02d}-{n:04d}-{rng.random():.6f}" for n in range(count)]
    contacts, points, keys = [], [], []
    for n, cid in enumerate(ids):
        name = normalize(_draft(rng.choice(NAMES))).name
        contacts.append({"id": cid, "name": name.display if name else None, "name_key": name.key if name else None,
                         "given_name": name.given if name else None, "family_name": name.family if name else None,
                         "middle_name": name.middle if name else None,
                         "name_is_personal": name.is_personal if name else True,
                         "province_code": rng.choice(["79", "01", None]), "attributes": {}, "version": 1,
                         # Ties on created_at too: the order then falls back to the id.
                         "created_at": NOW - timedelta(days=rng.randrange(30)), "updated_at": NOW})
        for kind, value in (("phone", f"+8491{rng.randrange(10**7):07d}"), ("email", f"u{rng.randrange(50)}@x.vn"),
                            ("identity", f"zalo:oa1:{n}"), ("address", "Q1")):
            if rng.random() < 0.6:
                points.append({"contact_id": cid, "kind": kind, "value": value, "display": value, "data": {},
                               "created_at": NOW})
    for key, size in KEY_SIZES.items():
        keys += [{"key": key, "contact_id": cid} for cid in rng.sample(ids, size)]
    with store.transaction() as session:
        session.execute(insert(ContactRow), contacts)
        session.execute(insert(ContactPointRow), points)
        session.execute(insert(MatchKeyRow), keys)
        for n, cid in enumerate(ids[:-1]):
            if rng.random() < 1 / 6:
                later = rng.choice(ids[n + 1:])
                session.execute(update(ContactRow).where(ContactRow.id == cid).values(merged_into=later))
    return ids


def _draft(name):
    from hub.model import LeadDraft

    return LeadDraft(channel="form", source_ref="x", captured_at=NOW, name=name)


@pytest.fixture
def store(pg_only_url):
    store = Store(pg_only_url)
    yield store
    store.dispose()


def test_one_statement_finds_what_the_portable_reads_find(store):
    ids = _populate(store, seed=1)
    rng = random.Random(2)
    capped = hot = merged = 0
    with store.sessions() as session:
        survivors = set(roots_of(session, ids).values())
        with_members = {root for root, members in members_of(session, survivors).items() if len(members) > 1}
        for _ in range(300):
            keys = rng.sample(sorted(KEY_SIZES), rng.randrange(1, 7)) + ["k:none"] * rng.randrange(2)
            rng.shuffle(keys)
            expected = portable_find_candidates(session, keys)
            assert find_candidates(session, keys) == expected
            capped += len(expected) == MAX_CANDIDATES
            hot += any(KEY_SIZES.get(k, 0) > HOT_KEY_LIMIT for k in keys)
            merged += any(c.id in with_members for c in expected)
    assert capped > 10 and hot > 50 and merged > 100  # the cases that matter really came up


def test_survivors_read_by_id_are_those_the_portable_reads_give(store):
    ids = _populate(store, seed=3)
    with store.sessions() as session:
        survivors = set(roots_of(session, ids).values())
        expected = portable_candidates_by_id(session, survivors)
        assert candidates_by_id(session, survivors) == expected
        assert len(expected) == len(survivors) < len(ids)
        assert any(len(c.phones) > 1 for c in expected.values())  # points gathered over members
        assert candidates_by_id(session, {"no-such-contact"}) == {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*KEY_SIZES, "k:none"]), min_size=1, max_size=9))
def test_any_key_list_finds_the_same_candidates(store, keys):
    """Repeated keys, unknown keys, any order."""
    if not _populated(store):
        _populate(store, seed=5)
    with store.sessions() as session:
        assert find_candidates(session, keys) == portable_find_candidates(session, keys)


def _populated(store) -> bool:
    with store.sessions() as session:
        return session.execute(ContactRow.__table__.select().limit(1)).first() is not None


def test_generated_leads_meet_the_same_candidates_and_get_the_same_decisions(store):
    """Leads of the accuracy benchmark's generator, stored one by one as the pipeline does."""
    from hub.store.repository import apply_lead

    compared = found = 0
    for sample in generate(21, 150):
        lead = normalize(sample.draft)
        keys = dedupe.blocking_keys(lead)
        with store.transaction() as session:
            lock_keys(session, [f"{k}:{v}" for k, v in dedupe.strong_keys(lead)])
            fast, portable = find_candidates(session, keys), portable_find_candidates(session, keys)
            assert fast == portable
            assert dedupe.decide(lead, fast) == dedupe.decide(lead, portable)
            compared, found = compared + 1, found + len(fast)
            apply_lead(session, lead, None)
    assert compared > 200 and found > 200


def test_a_batch_reads_hot_keys_and_the_contacts_of_the_others_as_counting_every_row_would(store):
    """hub.store.prefetch.key_rows on PostgreSQL reads at most HOT_KEY_LIMIT + 1 rows per key."""
    from hub.store.prefetch import key_rows

    _populate(store, seed=7)
    rng = random.Random(8)
    with store.sessions() as session:
        every = session.execute(MatchKeyRow.__table__.select()).all()
        for _ in range(50):
            keys = set(rng.sample([*KEY_SIZES, "k:none"], rng.randrange(1, 12)))
            ids = {key: sorted(cid for k, cid in every if k == key) for key in keys}
            hot, by_key = key_rows(session, keys)
            assert hot == {key for key in keys if len(ids[key]) > HOT_KEY_LIMIT}
            assert by_key == {key: found for key, found in ids.items() if found and key not in hot}
