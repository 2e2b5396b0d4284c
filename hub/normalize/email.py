"""Email addresses: syntax check, IDN domains, and a matching key separate from the display.

The key folds what providers themselves ignore (case, Gmail dots, "+tags", googlemail) and
obvious domain typos, so "Lan.Nguyen+shop@gmial.com" and "lannguyen@gmail.com" match while
the address shown to people stays as typed.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from hub.model import Email
from hub.normalize._email_domains import ALIASES, DOTLESS, SUBADDRESSED, TYPOS, is_disposable

# RFC 5322 dot-atom (https://www.rfc-editor.org/rfc/rfc5322#section-3.2.3). Quoted local parts
# and non-ASCII local parts are refused: Vietnamese providers and Gmail issue neither.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TOP_LABEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
_MAX_LOCAL = 64  # RFC 5321 section 4.5.3.1
_MAX_ADDRESS = 254  # RFC 5321's 256-octet path, minus its angle brackets


def normalize_email(text: str | None) -> Email | None:
    """Return the email, or None when the text is not one email address.

    Surrounding spaces, "mailto:" and angle brackets are tolerated; full-width characters are
    folded (NFKC). Never raises.
    """
    if not text:
        return None
    local, at, domain = _unwrap(unicodedata.normalize("NFKC", text)).rpartition("@")
    if not at or len(local) > _MAX_LOCAL or not _LOCAL.fullmatch(local):
        return None
    if len(domain) > _MAX_ADDRESS:  # also keeps oversized junk out of the domain cache
        return None
    forms = _domain_forms(domain)
    if forms is None or len(local) + 1 + len(forms[1]) > _MAX_ADDRESS:
        return None
    display_domain = forms[0]
    key, flags = _matching_key(local, display_domain)
    return Email(address=f"{local}@{display_domain}", key=key, raw=text, flags=flags)


def _unwrap(value: str) -> str:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    if _MAILTO.match(value):
        value = value[len("mailto:") :]
    return value


@lru_cache(maxsize=4096)
def _domain_forms(domain: str) -> tuple[str, str] | None:
    """(Unicode, ASCII) forms of a valid domain, both lower case; None when it is not valid.

    Uses Python's IDNA codec (https://docs.python.org/3/library/codecs.html#module-encodings.idna)
    both ways, which also folds case and width and checks the punycode of "xn--" labels.
    Cached: a handful of domains make up most addresses.
    """
    try:
        ascii_form = domain.encode("idna").decode("ascii").lower()
        unicode_form = ascii_form.encode("ascii").decode("idna")
    except UnicodeError:
        return None
    labels = ascii_form.split(".")
    if len(labels) < 2 or len(ascii_form) > 253:
        return None
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    if not _TOP_LABEL.fullmatch(labels[-1]):
        return None
    return unicodedata.normalize("NFC", unicode_form.lower()), ascii_form


def _matching_key(local: str, domain: str) -> tuple[str, tuple[str, ...]]:
    """The canonical mailbox key for `local@domain`, and the flags worth showing."""
    canonical, flags, subaddressed, dotless = _domain_rules(domain)
    user = local.lower()
    if subaddressed and not user.startswith("+"):
        user = user.split("+", 1)[0]
    if dotless:
        user = user.replace(".", "")
    return f"{user}@{canonical}", flags


@lru_cache(maxsize=4096)
def _domain_rules(domain: str) -> tuple[str, tuple[str, ...], bool, bool]:
    """(canonical domain, flags, "+tags" ignored, dots ignored) for a display domain: the
    same few domains make up most addresses, so the answer is cached."""
    flags: list[str] = []
    canonical = ALIASES.get(domain, domain)
    corrected = TYPOS.get(canonical)
    if corrected is not None:
        canonical = corrected
        flags.append("domain_typo")
    if is_disposable(domain):
        flags.append("disposable")
    return canonical, tuple(flags), canonical in SUBADDRESSED, canonical in DOTLESS
