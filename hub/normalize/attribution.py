"""Attribution: one flat record of where a lead came from.

From whatever the connector collected (channel ids, ad ids, UTM parameters, landing-page URLs,
Messenger / WhatsApp ad referrals) to `Attribution(channel, values)` where:

- keys are canonical: lower-case, "_" for "-" / " " / ".", aliases mapped (`adgroup_id` ->
  `adset_id`, `referer` -> `referrer`, referral `source` -> `referral_source`, ...);
- values are stripped strings; blanks, "null" / "undefined" and unfilled ad macros
  ("{{campaign.name}}", "{campaignid}") are dropped;
- UTM parameters and click ids (fbclid, gclid, zarsrc) are also read from the query string
  of `landing_url`, `page_url`, `url`, `source_url`, `referrer` (in that order); a value given
  explicitly wins over one read from a URL;
- a nested mapping (e.g. a Messenger "referral" object) is flattened one level, its values
  losing to top-level ones; lists and other non-scalar values are dropped.
"""
from __future__ import annotations

import re
from collections.abc import Mapping as AbcMapping
from typing import Any, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from hub.model import Attribution
from hub.normalize._attribution_keys import ALIASES, EMPTY_VALUES, URL_FIELDS, URL_PARAMETERS

_KEY_SEPARATORS = re.compile(r"[\s.\-]+")
_LONGEST_EMPTY_VALUE = max(len(value) for value in EMPTY_VALUES)
_UNFILLED_MACRO = re.compile(r"^\{\{?[^{}]*\}\}?$")  # Facebook {{ad.id}}, Google {campaignid}


def normalize_attribution(channel: str, raw: Mapping[str, Any]) -> Attribution:
    """One attribution record for a lead. Never raises on odd keys, values or URLs."""
    values: dict[str, str] = {}
    nested: list[Mapping[str, Any]] = []
    for key, value in raw.items():
        # Nearly every value is a plain string (`isinstance(value, Mapping)` on the typing
        # alias would cost two ABC checks): those are cleaned here, as _clean_value does.
        if type(value) is str:
            text: str | None = value.strip()
            if not text or (len(text) <= _LONGEST_EMPTY_VALUE and text.lower() in EMPTY_VALUES):
                continue
            if text[0] == "{" and _UNFILLED_MACRO.match(text):
                continue
        elif isinstance(value, AbcMapping):
            nested.append(value)
            continue
        else:
            text = _clean_value(value)
            if text is None:
                continue
        names = _KEY_NAMES.get(key) if type(key) is str else None
        name, canonical = names if names is not None else _names(key)
        if name and (canonical not in values or canonical == name):
            values[canonical] = text
    for mapping in nested:
        for key, value in mapping.items():
            _put(values, key, value, overwrite=False)
    if not _URL_FIELDS.isdisjoint(values):
        for name, value in _url_parameters(values):
            values.setdefault(name, value)
    return Attribution(channel=channel, values=values)


def _put(values: dict[str, str], key: object, value: object, overwrite: bool = True) -> None:
    """Store `value` under the canonical form of `key`, when both are usable.

    An explicitly canonical key beats an alias of it ("adset_id" over "adgroup_id").
    """
    text = _clean_value(value)
    if text is None:
        return
    name, canonical = _names(key)
    if not name:
        return
    if canonical not in values or (overwrite and canonical == name):
        values[canonical] = text


def _names(key: object) -> tuple[str, str]:
    """(the key in canonical spelling, the canonical key it stands for)."""
    names = _KEY_NAMES.get(key) if type(key) is str else None  # type: ignore[call-overload]
    return names if names is not None else _key_names(key if isinstance(key, str) else str(key))


_URL_FIELDS = frozenset(URL_FIELDS)
# The same few keys come with every lead: their canonical names are kept in a plain dict
# (a lookup is cheaper than a call), up to a bound so odd payloads cannot grow it forever.
_KEY_NAMES: dict[str, tuple[str, str]] = {}
_MAX_KEY_NAMES = 4096


def _key_names(key: str) -> tuple[str, str]:
    """(the key in canonical spelling, the canonical key it stands for)."""
    name = _KEY_SEPARATORS.sub("_", key.strip().lower()).strip("_")
    names = (name, ALIASES.get(name, name))
    if len(_KEY_NAMES) < _MAX_KEY_NAMES and type(key) is str:
        _KEY_NAMES[key] = names
    return names


def _clean_value(value: object) -> str | None:
    """The value as a stripped string, or None when it carries nothing."""
    if type(value) is str:
        text = value.strip()
    else:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return None
        text = str(value).strip()
    if not text:
        return None
    if len(text) <= _LONGEST_EMPTY_VALUE and text.lower() in EMPTY_VALUES:
        return None
    if text[0] == "{" and _UNFILLED_MACRO.match(text):
        return None
    return text


def _url_parameters(values: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(name, value) of the kept parameters in the URL fields, most specific URL first."""
    for field in URL_FIELDS:
        url = values.get(field)
        if url:
            for name, value in _kept_pairs(url):
                text = _clean_value(value)
                if text is not None:
                    yield name, text


def _kept_pairs(url: str) -> list[tuple[str, str]]:
    """(lower-cased name, value) of the URL_PARAMETERS in the query of `url`, and in what
    follows "#" or "#/path?" (single-page apps): what `parse_qsl` reads, in its order."""
    if "=" not in url:  # no name=value pair anywhere (parse_qsl drops pairs without "=")
        return []
    split = query_and_fragment(url)
    if split is None:
        return []
    query, fragment = split
    fragment = fragment.split("?", 1)[-1]
    queries = [query, fragment] if "=" in fragment else [query]
    return [pair for query in queries if query for pair in _parse_kept(query)]


def query_and_fragment(url: str) -> tuple[str, str] | None:
    """`urlsplit(url)`'s query and fragment; None where urlsplit raises ValueError.

    An ASCII URL that starts with neither a control character nor a space, holds no tab or
    line break (urlsplit strips or deletes those) and no "[" / "]" (an IPv6 host, which
    urlsplit validates): its fragment follows the first "#" and its query the first "?"
    before it, since neither can be in the scheme or host urlsplit takes off first.
    """
    if url.isascii() and url[:1] > " " and not _URL_SPECIALS.intersection(url):
        before, _, fragment = url.partition("#")
        return before.partition("?")[2], fragment
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "http://[::1"
        return None
    return parts.query, parts.fragment


_URL_SPECIALS = frozenset("\t\r\n[]")


def _parse_kept(query: str) -> Iterator[tuple[str, str]]:
    """`parse_qsl(query)` limited to the kept names: "&"-separated, blank values dropped, "+"
    and %-escapes decoded (https://docs.python.org/3/library/urllib.parse.html#urllib.parse.parse_qsl).
    Most parameters are someone else's (ids, filters), so a name is decoded only when it has
    escapes, and a value only when its name is kept."""
    for name_value in query.split("&"):
        name, equals, value = name_value.partition("=")
        if not equals or not value:
            continue
        name = name.replace("+", " ")
        if "%" in name:
            name = unquote(name)
        name = name.strip().lower()
        if name in URL_PARAMETERS:
            yield name, unquote(value.replace("+", " "))
