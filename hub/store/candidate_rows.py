"""Candidates read from PostgreSQL in one statement: what hub.store.contacts reads on any
database in four to six (key rows, roots, members, points, contact rows), through SQLAlchemy.

A decision at 1M contacts spent most of its time building, compiling and running those
statements in the client; here each is one fixed text run on the session's own psycopg
connection, which psycopg prepares on the server after a few runs. The key list is read through
`OFFSET 0`, out of the planner's sight: the plan (index lookups all along) is the same for any
keys, and with estimates that no longer depend on them PostgreSQL keeps one generic plan
instead of planning again for every lead (planning was half the statement's CPU).
The rules are those of the generic path (tests compare both on the same store):

- per key, at most HOT_KEY_LIMIT + 1 rows in id order; a key with more than HOT_KEY_LIMIT is skipped;
- contacts in the order keys find them (key order, then id order), each once;
- a merged contact stands for its survivor (merged_into followed, at most 1000 hops), at the
  first place one of the survivor's found members comes; at most MAX_CANDIDATES survivors;
- a survivor's phones, emails and identities are those of all its members.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from hub.model import Contact, PersonName
from hub.store.engine import LOCK

HOT_KEY_LIMIT = 50  # a key shared by more contacts than this says nothing about who is who
MAX_CANDIDATES = 100

# The survivors in `picked` (root, place) as dedupe sees them, points over their members.
_CANDIDATES = """
members (root, id) AS (
    SELECT root, root FROM picked
    UNION
    SELECT members.root, c.id FROM members JOIN contacts AS c ON c.merged_into = members.id
)
SELECT c.id, c.created_at, c.name, c.name_key, c.family_name, c.middle_name, c.given_name,
       c.name_is_personal, c.name_family_last, c.province_code, array_agg(p.kind), array_agg(p.value)
FROM picked
JOIN contacts AS c ON c.id = picked.root
JOIN members ON members.root = picked.root
LEFT JOIN contact_points AS p ON p.contact_id = members.id
GROUP BY picked.place, c.id
ORDER BY picked.place
"""

FIND = f"""
WITH RECURSIVE
hits AS (
    SELECT w.ord, m.contact_id, count(*) OVER (PARTITION BY w.ord) AS sharing
    FROM (SELECT %(keys)s::text[] AS keys OFFSET 0) AS given, unnest(given.keys) WITH ORDINALITY AS w (key, ord)
    CROSS JOIN LATERAL (
        SELECT k.contact_id FROM match_keys AS k WHERE k.key = w.key ORDER BY k.contact_id LIMIT {HOT_KEY_LIMIT + 1}
    ) AS m
),
found AS (
    SELECT contact_id, min(ord) AS ord FROM hits WHERE sharing <= {HOT_KEY_LIMIT} GROUP BY contact_id
),
chain (found_id, node, parent, hops) AS (
    SELECT found.contact_id, c.id, c.merged_into, 0 FROM found JOIN contacts AS c ON c.id = found.contact_id
    UNION ALL
    SELECT chain.found_id, c.id, c.merged_into, chain.hops + 1
    FROM chain JOIN contacts AS c ON c.id = chain.parent
    WHERE chain.hops < 1000
),
rooted AS (
    SELECT DISTINCT ON (chain.found_id) chain.node AS root, found.ord, found.contact_id
    FROM chain JOIN found ON found.contact_id = chain.found_id
    ORDER BY chain.found_id, chain.hops DESC
),
firsts AS (
    SELECT DISTINCT ON (root) root, ord, contact_id FROM rooted ORDER BY root, ord, contact_id
),
picked AS (
    SELECT root, row_number() OVER (ORDER BY ord, contact_id) AS place
    FROM firsts ORDER BY ord, contact_id LIMIT {MAX_CANDIDATES}
),
{_CANDIDATES}"""

BY_ID = f"""
WITH RECURSIVE
picked AS (
    SELECT DISTINCT root, 0 AS place
    FROM (SELECT %(ids)s::text[] AS ids OFFSET 0) AS given, unnest(given.ids) AS r (root)
),
{_CANDIDATES}"""


KEY_ROWS = f"""
SELECT w.key, m.sharing > {HOT_KEY_LIMIT}, m.ids
FROM (SELECT %(keys)s::text[] AS keys OFFSET 0) AS given, unnest(given.keys) AS w (key)
CROSS JOIN LATERAL (
    SELECT count(*) AS sharing,
           CASE WHEN count(*) <= {HOT_KEY_LIMIT} THEN array_agg(k.contact_id ORDER BY k.contact_id) END AS ids
    FROM (SELECT contact_id FROM match_keys WHERE key = w.key ORDER BY contact_id LIMIT {HOT_KEY_LIMIT + 1}) AS k
) AS m
WHERE m.sharing > 0
"""


def key_rows(connection: Any, keys: Collection[str]) -> tuple[set[str], dict[str, list[str]]]:
    """The keys shared by more than HOT_KEY_LIMIT contacts, and for the others key -> contact
    ids (in id order), for a batch of leads (hub.store.prefetch): at most HOT_KEY_LIMIT + 1
    index entries read per key, where counting a common name's key read all of them (thousands
    per key in a big store: most of a batch's database time at 1M contacts); one row per key."""
    hot: set[str] = set()
    by_key: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(KEY_ROWS, {"keys": list(keys)})
        for key, is_hot, ids in cursor.fetchall():
            if is_hot:
                hot.add(key)
            else:
                by_key[key] = ids
    return hot, by_key


STORED = "SELECT id, contact_id FROM leads WHERE channel = %s AND source_ref = %s"


def lock_and_read(connection: Any, lock_ids: Sequence[int], ref: tuple[str, str], keys: Sequence[str]
                  ) -> tuple[tuple[int, str] | None, list[Contact]]:
    """Lock the lead's strong keys (hub.store.engine.LOCK), then read whether the lead
    (channel, source_ref) is stored, as (lead id, contact id), and its candidates: three
    statements sent together in one round trip (psycopg's pipeline mode). Each statement still
    reads after the one before it is done, so both reads see what a transaction that held a
    lock committed before releasing it."""
    with connection.pipeline():
        if lock_ids:
            connection.execute(LOCK, (list(lock_ids),))
        stored = connection.execute(STORED, ref)
        found = connection.execute(FIND, {"keys": list(keys)}) if keys else None
    candidates = [_contact(row) for row in found.fetchall()] if found is not None else []
    return stored.fetchone(), candidates


def find(connection: Any, keys: Sequence[str]) -> list[Contact]:
    """The candidates of a lead with these blocking keys (strongest first), in order;
    `connection`: a psycopg connection."""
    with connection.cursor() as cursor:
        cursor.execute(FIND, {"keys": list(keys)})
        return [_contact(row) for row in cursor.fetchall()]


def by_id(connection: Any, root_ids: Collection[str]) -> list[Contact]:
    """The given survivors as candidates (those that exist), in no particular order."""
    with connection.cursor() as cursor:
        cursor.execute(BY_ID, {"ids": list(root_ids)})
        return [_contact(row) for row in cursor.fetchall()]


def _contact(row: tuple[Any, ...]) -> Contact:
    cid, created_at, name, name_key, family, middle, given, is_personal, family_last, province_code, kinds, values = row
    points: dict[str, set[str]] = {"phone": set(), "email": set(), "identity": set()}
    for kind, value in zip(kinds, values):
        if kind in points:
            points[kind].add(value)
    name_ = person_name(name, name_key, family, middle, given, is_personal, family_last)
    return Contact(id=cid, created_at=created_at, name=name_,
                   phones=frozenset(points["phone"]), emails=frozenset(points["email"]),
                   identities=frozenset(points["identity"]), province_code=province_code)


def person_name(name: str | None, key: str | None, family: str | None, middle: str | None, given: str | None,
                is_personal: bool, family_last: bool = False) -> PersonName | None:
    """A stored contact's name as dedupe compares it; None without a name. The text as typed is
    not stored (raw is the display); whether its family name came last is."""
    if not name or not key:
        return None
    return PersonName(raw=name, display=name, key=key, family=family, middle=middle, given=given,
                      is_personal=is_personal, family_last=bool(family_last))
