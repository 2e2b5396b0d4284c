"""Properties of the entry point `normalize` and of `normalize_attribution`: never raise on
arbitrary input, and normalizing what they produced gives it back."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.model import Lead, LeadDraft
from hub.normalize import normalize, normalize_attribution
from hub.normalize.attribution import query_and_fragment
from tests.normalize.test_name_province_properties import texts
from tests.normalize.test_phone_email_properties import arbitrary_text, email_like, phone_like

NOW = datetime(2025, 7, 1, tzinfo=timezone.utc)

field_text = st.one_of(st.none(), texts, arbitrary_text)
attribution = st.dictionaries(
    st.one_of(st.sampled_from(["utm_source", "adgroup_id", "Ad-Set ID", "referer", "page_url", "source"]),
              st.text(max_size=10)),
    st.one_of(st.text(), st.integers(), st.none(), st.sampled_from(
        ["https://x.vn/?utm_source=fb&utm_campaign=tet&gclid=G1", "{{ad.id}}", "null", " 238 "]),
        st.dictionaries(st.sampled_from(["source", "ad_id", "ref"]), st.text(max_size=8), max_size=3)),
    max_size=6,
)  # fmt: skip
drafts = st.builds(
    LeadDraft,
    channel=st.sampled_from(["form", "messenger", "zalo"]),
    source_ref=st.just("ref"),
    captured_at=st.just(NOW),
    name=field_text,
    given_name=field_text,
    family_name=field_text,
    phones=st.lists(st.one_of(phone_like, arbitrary_text), max_size=3).map(tuple),
    emails=st.lists(st.one_of(email_like, arbitrary_text), max_size=2).map(tuple),
    province=field_text,
    address=field_text,
    text=st.one_of(st.none(), arbitrary_text, st.lists(st.one_of(phone_like, email_like, texts),
                                                       max_size=4).map(" ".join)),
    attribution=attribution,
)  # fmt: skip


def _again(lead: Lead) -> Lead:
    """The lead's normalized values put through normalize once more."""
    return normalize(
        LeadDraft(
            channel=lead.channel,
            source_ref=lead.source_ref,
            captured_at=lead.captured_at,
            name=lead.name.display if lead.name else None,
            phones=tuple(phone.e164 for phone in lead.phones),
            emails=tuple(email.address for email in lead.emails),
            province=(lead.province.name or lead.province.raw) if lead.province else None,
            address=lead.address,
            text=lead.text,
            attribution=lead.attribution.values,
        )
    )


@given(drafts)
@settings(max_examples=300, deadline=None)
def test_normalize_never_raises_and_normalizing_its_output_gives_it_back(draft: LeadDraft) -> None:
    lead = normalize(draft)
    again = _again(lead)
    assert [p.e164 for p in again.phones] == [p.e164 for p in lead.phones]
    assert [e.key for e in again.emails] == [e.key for e in lead.emails]
    if lead.name is not None:
        assert again.name is not None
        assert (again.name.display, again.name.key) == (lead.name.display, lead.name.key)
    if lead.province is not None and lead.province.code is not None:
        assert again.province is not None and again.province.code == lead.province.code
    assert again.address == lead.address
    assert again.attribution == lead.attribution


@given(attribution)
def test_normalizing_an_attribution_record_again_gives_it_back(raw: dict[str, object]) -> None:
    first = normalize_attribution("form", raw)  # type: ignore[arg-type]
    assert normalize_attribution("form", first.values) == first


_URL_PIECES = ["https", "http", ":", "//", "/", "?", "#", "=", "&", "x.vn", "[", "]", "::1", " ",
               "\t", "\n", "\r", "\x00", "\x1f", "é", "utm_source", "%20", "+", "@", ":80", "#/p?"]  # fmt: skip


@given(st.one_of(st.text(), st.lists(st.sampled_from(_URL_PIECES), max_size=14).map("".join)))
@settings(max_examples=500)
def test_query_and_fragment_are_read_as_urlsplit_reads_them(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        assert query_and_fragment(url) is None
    else:
        assert query_and_fragment(url) == (parts.query, parts.fragment)
