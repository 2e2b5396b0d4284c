"""A stored Meta item's body is its envelope as json.dumps writes it, whatever the item holds."""
from __future__ import annotations

import json

from hypothesis import given, strategies as st

from hub.connectors.meta import Split, split

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


@given(item=st.dictionaries(st.text(), json_values, max_size=6), entry_time=json_values)
def test_the_body_is_the_envelope_as_json_dumps_writes_it(item, entry_time):
    envelope = {"object": "page", "entry_id": "104857600123456", "entry_time": entry_time,
                "field": "messaging", "item": item}
    expected = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    try:
        assert Split("messenger", "m_1", "104857600123456", envelope).body() == expected.encode()
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 text holds it, as before (a 400)
        assert any(0xD800 <= ord(c) <= 0xDFFF for c in expected)


@given(item=st.dictionaries(st.text(), json_values, max_size=6), entry_time=json_values,
       count=st.integers(min_value=1, max_value=3))
def test_the_bodies_split_writes_are_their_envelopes_as_json_dumps_writes_them(item, entry_time, count):
    # Messenger items: the envelope's text before the item is written once per entry.
    events = [{**item, "sender": {"id": "60001"}, "message": {"mid": f"m_{n}", "text": "Chào"}} for n in range(count)]
    payload = {"object": "page", "entry": [{"id": "104857600123456", "time": entry_time, "messaging": events}]}
    parts = list(split(payload))
    assert [part.key for part in parts] == [f"m_{n}" for n in range(count)]
    for part, event in zip(parts, events):
        envelope = {"object": "page", "entry_id": "104857600123456", "entry_time": entry_time,
                    "field": "messaging", "item": event}
        expected = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        try:
            assert part.body() == expected.encode()
        except UnicodeEncodeError:
            assert any(0xD800 <= ord(c) <= 0xDFFF for c in expected)
