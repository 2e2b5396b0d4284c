"""Per-field comparators: each says how well one field of a lead agrees with a known contact.

A comparator returns a level (a small, named outcome the weights are calibrated on) and the
evidence behind it, as JSON-friendly values. Comparators are symmetric: comparing a with b gives
the level of comparing b with a.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rapidfuzz.distance import OSA

from hub.dedupe.names import NAME_WORDS, NameParts, alias, mended, name_parts, written_apart
from hub.dedupe.phones import subscriber
from hub.model import Contact, Lead, PersonName

Levels = tuple[str, str, str, str, str]  # one level per field, in FIELDS order

# Every level each comparator can return: the weights table has one weight per level.
LEVELS = {
    "name": ("exact_rare", "exact", "exact_common", "full", "full_common", "middle_typo", "middle_differs",
             "family_typo", "family_differs", "given", "given_unsure", "given_typo", "given_differs", "different",
             "alias", "unknown"),
    "phone": ("exact", "converted", "near", "different", "unknown"),
    "email": ("exact", "near", "different", "unknown"),
    "province": ("same", "different", "unknown"),
    "identity": ("same", "different", "unknown"),
}
FIELDS = tuple(LEVELS)

# Name levels where the given names disagree, or may: with a shared phone, that may be a family
# member (families share phones in Vietnam), never the same person for sure.
GIVEN_CONFLICTS = frozenset({"given_unsure", "given_typo", "given_differs", "different"})
# The same words, however common they are.
EXACT = frozenset({"exact_rare", "exact", "exact_common"})

# How common the words two names agree on are (CHANNELS.md, "Names"): Nguyễn, Trần and Lê are
# the family names of about 6 in 10 people, and Văn / Thị are the middle names of most men and
# women. Agreeing on them says little; agreeing on "Lâm Ngọc Diệp" says much more. The levels
# below split "exact" and "full" by it, and calibration weighs each (a term-frequency adjustment).
COMMON_FAMILY_NAMES = frozenset({"nguyen", "tran", "le"})
COMMON_MIDDLE_NAMES = frozenset({"van", "thi"})


@dataclass(frozen=True)
class Comparison:
    level: str
    evidence: dict[str, Any] = field(default_factory=dict)


def _typo(a: str, b: str, min_length: int) -> bool:
    """One edit (a transposition counts as one) apart, on words long enough for that to mean a typo."""
    return min(len(a), len(b)) >= min_length and OSA.distance(a, b) <= 1


def _middle_slip(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The same middle names but one word, one edit apart, and that word of one side no known
    name: a letter dropped, added, swapped or wrong ("Ngcọ", "Hng", "Xuâ", "Thah" for Ngọc, Hồng,
    Xuân, Thanh). With the family and given names equal, that is a slip. Two names a letter
    apart (Thu / Thị, Hồng / Hùng) are two middle names: two people."""
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    if len(differ) != 1:
        return False
    x, y = differ[0]
    return OSA.distance(x, y) <= 1 and not (x in NAME_WORDS and y in NAME_WORDS)


def _within(short: NameParts, full: NameParts) -> bool:
    """Every word of the short name is in the full one, as often ("Hoàng Hoàng" is not in "Thảo Hoàng")."""
    if len(short.words) == len(short.tokens):
        return short.words <= full.words
    return not Counter(short.tokens) - Counter(full.tokens)


def _common_family(a: NameParts, b: NameParts) -> bool:
    return a.family in COMMON_FAMILY_NAMES or b.family in COMMON_FAMILY_NAMES


def _exact(a: NameParts, b: NameParts) -> str:
    """exact_common (a common family name, and a common middle name or none), exact_rare (neither
    common), exact."""
    common = int(_common_family(a, b)) + int(set(a.middle) <= COMMON_MIDDLE_NAMES)
    return ("exact_rare", "exact", "exact_common")[common]


def _name_level(a: NameParts, b: NameParts) -> str:
    """The level of two names; of a name that may be split two ways (NameParts.given_either),
    the level both ways give, or given_unsure when one way the given names conflict, or else
    the weaker of the two (LEVELS order)."""
    if a.given_either is None and b.given_either is None:
        return _one_reading(a, b)
    found = {_one_reading(x, y) for x in a.readings() for y in b.readings()}
    if len(found) == 1:
        return found.pop()
    if found & GIVEN_CONFLICTS:
        return "given_unsure"  # "Anh" and "Nhung Anh Nguyễn": is her given name Anh or Nhung?
    return max(found, key=LEVELS["name"].index)


def _one_reading(a: NameParts, b: NameParts) -> str:
    if written_apart(a, b):
        return "given_differs" if a.family == b.family else "different"
    if a.bag == b.bag:
        return _exact(a, b)
    a, b, _ = mended(a, b)
    if a.bag == b.bag:
        return _exact(a, b)
    if a.family is None or b.family is None:
        short, full = (a, b) if a.family is None else (b, a)
        # Only the full name's given name: "chú Thành" is not Nguyễn Thanh Liên's middle name.
        if not full.order_known and short.given in (full.tokens[0], full.tokens[-1]):
            return "given_unsure"  # "Mr Hoàng" and "Thảo Hoàng": her father, or her family name?
        return "given" if short.given == full.given else "different"
    short, full = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
    if _within(short, full) and full.given in short.words and (full.order_known or full.tokens[0] in short.words):
        # A dropped middle name, in any order ("Hương Nguyễn" / "Hương Nguyễn Thị"); the given
        # name must be there: "Nguyễn Thành" is not Nguyễn Thanh Bảo (middle names are given names too).
        # When the full name's order is unknown, its given name may be its first word as well
        # as its last: both must be there. "Huyền Vũ Phương" (Vũ Phương Huyền, given name
        # first) is not her father Vũ Phương, though his two words are in her name.
        return "full_common" if _common_family(a, b) else "full"
    if a.given == b.given:
        if a.family == b.family:
            subset = set(a.middle) <= set(b.middle) or set(b.middle) <= set(a.middle)
            if not subset:
                return "middle_typo" if _middle_slip(a.middle, b.middle) else "middle_differs"
            return "full_common" if _common_family(a, b) else "full"
        if not a.order_known and not b.order_known:
            # "Chi Dinh" / "Trung Dinh": neither family name known, so the first words may be
            # the given names (Đinh Chi and Đinh Trung, a family's), the last one the family name.
            return "given_unsure"
        return "family_typo" if _typo(a.family, b.family, 3) else "family_differs"
    # Vietnamese given names are short and often one letter apart (Trang / Trung, Hương / Hùng):
    # a typo there is only believed on a long word with the rest of the name equal.
    if a.family == b.family and a.middle == b.middle and _typo(a.given, b.given, 5):
        return "given_typo"
    return "given_differs" if a.family == b.family else "different"


def compare_names(a: PersonName | None, b: PersonName | None) -> Comparison:
    """exact_rare | exact | exact_common (the same words, split by how common they are) | full |
    full_common (a middle name dropped) | middle_typo (one middle name mistyped) | middle_differs |
    family_typo | family_differs | given | given_unsure (a word at either end of a name whose
    family name is unknown: it may be the family name; or a name whose given name may be either
    of two words, one of which conflicts) | given_typo | given_differs (same family) | different
    | alias (the same nickname or shop name on both sides: "Gấu Phan") | unknown (missing, or
    not a personal name: "Khách hàng", or a nickname or shop name the other side does not
    carry)."""
    parts_a = name_parts(a) if a is not None else None
    parts_b = name_parts(b) if b is not None else None
    if parts_a is None or parts_b is None:
        if a is not None and b is not None and (same := alias(a)) is not None and same == alias(b):
            return Comparison("alias", {"a": a.display, "b": b.display})
        return Comparison("unknown")
    level = _name_level(parts_a, parts_b)
    evidence = {"a": " ".join(parts_a.tokens), "b": " ".join(parts_b.tokens)}
    slips = mended(parts_a, parts_b)[2] if parts_a.bag != parts_b.bag else []
    return Comparison(level, {**evidence, "slips": slips} if slips else evidence)


def compare_phones(a: Collection[str], b: Collection[str]) -> Comparison:
    """exact (the same E.164) | converted (the same subscriber, one side in the pre-2018 form) |
    different | unknown (a side has no phone)."""
    if not a or not b:
        return Comparison("unknown")
    shared = sorted(set(a) & set(b))
    if shared:
        return Comparison("exact", {"shared": shared})
    ours, theirs = {subscriber(x) for x in a}, {subscriber(y) for y in b}
    converted = sorted(ours & theirs)
    if converted:
        return Comparison("converted", {"shared": converted})
    near = sorted(f"{x} ~ {y}" for x in ours for y in theirs if _near_number(x, y))
    if near:
        return Comparison("near", {"pairs": near})
    return Comparison("different")


_NETWORK_CODE = 5  # "+84" and the two digits of a Vietnamese network code ("+8491...")


def _near_number(a: str, b: str) -> bool:
    """One digit typed wrong, or two neighbours swapped, after the network code (+84 91...: the
    part people know by heart and type first): the same length, one edit apart. 0825507131 and
    0885507131 are two carriers' numbers, not a slip."""
    return len(a) == len(b) and a[:_NETWORK_CODE] == b[:_NETWORK_CODE] and OSA.distance(a, b) == 1


_DIGITS = re.compile(r"\D")


def _near_email(a: str, b: str) -> bool:
    return _near_parts(_email_parts(a), _email_parts(b))


EmailParts = tuple[str, str, str]  # local part, domain, the local part's digits


def _email_parts(key: str) -> EmailParts:
    local, _, domain = key.rpartition("@")
    return local, domain, _DIGITS.sub("", local)


def _near_parts(a: EmailParts, b: EmailParts) -> bool:
    if a[0] == b[0]:
        return _typo(a[1], b[1], 5)  # gmial.com, gmail.con
    # lannguyen91 and lannguyen92 are two people: digits must agree exactly.
    return a[1] == b[1] and a[2] == b[2] and _typo(a[0], b[0], 6)


def compare_emails(a: Collection[str], b: Collection[str]) -> Comparison:
    """exact (the same canonical key) | near (a one-letter slip in the local part or the domain) |
    different | unknown (a side has no email)."""
    if not a or not b:
        return Comparison("unknown")
    shared = sorted(set(a) & set(b))
    if shared:
        return Comparison("exact", {"shared": shared})
    near = sorted(f"{x} ~ {y}" for x in a for y in b if _near_email(x, y))
    if near:
        return Comparison("near", {"pairs": near})
    return Comparison("different")


def compare_provinces(a: str | None, b: str | None) -> Comparison:
    """same | different | unknown (a side has no resolved province)."""
    if a is None or b is None:
        return Comparison("unknown")
    return Comparison("same" if a == b else "different", {"a": a, "b": b})


def _scope(identity_key: str) -> str:
    return identity_key.rsplit(":", 1)[0]


def compare_identities(a: Iterable[str], b: Iterable[str]) -> Comparison:
    """same (a shared channel identity) | different (another id in the same channel scope) |
    unknown."""
    set_a, set_b = set(a), set(b)
    shared = sorted(set_a & set_b)
    if shared:
        return Comparison("same", {"shared": shared})
    scopes = sorted({_scope(x) for x in set_a} & {_scope(y) for y in set_b})
    if scopes:
        return Comparison("different", {"scopes": scopes})
    return Comparison("unknown")


def lead_phones(lead: Lead) -> list[str]:
    """The lead's numbers, with the pre-2018 form the normalizer converted from."""
    found = [p.e164 for p in lead.phones] + [p.old_e164 for p in lead.phones if p.old_e164]
    return list(dict.fromkeys(found))


def compare(lead: Lead, contact: Contact) -> dict[str, Comparison]:
    """Every field of the lead compared with the contact, in FIELDS order."""
    province = lead.province.code if lead.province is not None else None
    return {
        "name": compare_names(lead.name, contact.name),
        "phone": compare_phones(lead_phones(lead), contact.phones),
        "email": compare_emails([e.key for e in lead.emails], contact.emails),
        "province": compare_provinces(province, contact.province_code),
        "identity": compare_identities([i.key for i in lead.identities], contact.identities),
    }


def compare_contacts(a: Contact, b: Contact) -> dict[str, Comparison]:
    """Every field of one contact compared with another's, in FIELDS order."""
    return {
        "name": compare_names(a.name, b.name),
        "phone": compare_phones(a.phones, b.phones),
        "email": compare_emails(a.emails, b.emails),
        "province": compare_provinces(a.province_code, b.province_code),
        "identity": compare_identities(a.identities, b.identities),
    }


class ContactSide(NamedTuple):
    """A candidate's half of every comparison (what LeadSide compares with), worked out once per
    Contact object and kept on it (contact_side): the same contacts are candidates of lead after
    lead, and their name parts (an lru_cache keyed by the whole PersonName) and subscribers were
    most of what a comparison cost."""

    name: NameParts | None
    subscribers: frozenset[str]
    emails: tuple[EmailParts, ...]
    scopes: frozenset[str]
    alias: str | None  # names.alias


def contact_side(contact: Contact) -> ContactSide:
    """The contact's ContactSide, kept in the (frozen) instance's dict: fields, equality and hash
    are untouched, and a Contact never changes."""
    side: ContactSide | None = contact.__dict__.get("_side")
    if side is None:
        side = contact.__dict__["_side"] = ContactSide(
            name_parts(contact.name) if contact.name is not None else None,
            frozenset(subscriber(p) for p in contact.phones),
            tuple(_email_parts(e) for e in contact.emails),
            frozenset(_scope(i) for i in contact.identities),
            alias(contact.name))
    return side


@dataclass(frozen=True)
class LeadSide:
    """The lead's half of every comparison, worked out once per decision.

    A lead meets 10-30 candidates (up to 100); redoing its phones, subscribers, email parts and
    name parts for each of them was most of decide()'s CPU. levels() gives the same levels as
    compare(), without the evidence (built afterwards for the few candidates a decision reports).
    """

    name: NameParts | None
    phones: frozenset[str]
    subscribers: frozenset[str]
    emails: frozenset[str]
    province: str | None
    identities: frozenset[str]
    scopes: frozenset[str]
    email_parts: tuple[EmailParts, ...] = ()
    alias: str | None = None  # names.alias
    # The name level against each candidate name met so far (by the NameParts object, which
    # contacts of the same name share: name_parts is cached): id -> (parts, level).
    name_levels: dict[int, tuple[NameParts, str]] = field(default_factory=dict, compare=False, hash=False,
                                                          repr=False)

    @classmethod
    def of(cls, lead: Lead) -> LeadSide:
        phones = lead_phones(lead)
        identities = frozenset(i.key for i in lead.identities)
        return cls(
            name=name_parts(lead.name) if lead.name is not None else None,
            phones=frozenset(phones),
            subscribers=frozenset(subscriber(p) for p in phones),
            emails=frozenset(e.key for e in lead.emails),
            province=lead.province.code if lead.province is not None else None,
            identities=identities,
            scopes=frozenset(_scope(i) for i in identities),
            email_parts=tuple(_email_parts(e.key) for e in lead.emails),
            alias=alias(lead.name),
        )

    def shares_a_strong_key(self, contact: Contact) -> bool:
        """A phone (either form), an email key or the identity in common with the contact."""
        return bool(
            not self.emails.isdisjoint(contact.emails)
            or not self.identities.isdisjoint(contact.identities)
            or (self.subscribers and not self.subscribers.isdisjoint(contact_side(contact).subscribers))
        )

    def levels(self, contact: Contact) -> Levels:
        """The level of every field against the contact, in FIELDS order (what compare() finds)."""
        other = contact_side(contact)
        return (self._name(other), self._phone(contact, other), self._email(contact, other),
                self._province(contact), self._identity(contact, other))

    def _name(self, other: ContactSide) -> str:
        parts = other.name
        if self.name is None or parts is None:
            return "alias" if self.alias is not None and self.alias == other.alias else "unknown"
        known = self.name_levels.get(id(parts))
        if known is not None and known[0] is parts:
            return known[1]
        level = _name_level(self.name, parts)
        self.name_levels[id(parts)] = (parts, level)
        return level

    def _phone(self, contact: Contact, other: ContactSide) -> str:
        if not self.phones or not contact.phones:
            return "unknown"
        if not self.phones.isdisjoint(contact.phones):
            return "exact"
        if not self.subscribers.isdisjoint(other.subscribers):
            return "converted"
        return "near" if any(_near_number(x, y) for x in self.subscribers for y in other.subscribers) else "different"

    def _email(self, contact: Contact, other: ContactSide) -> str:
        if not self.emails or not contact.emails:
            return "unknown"
        if not self.emails.isdisjoint(contact.emails):
            return "exact"
        return "near" if any(_near_parts(x, y) for x in self.email_parts for y in other.emails) else "different"

    def _province(self, contact: Contact) -> str:
        if self.province is None or contact.province_code is None:
            return "unknown"
        return "same" if self.province == contact.province_code else "different"

    def _identity(self, contact: Contact, other: ContactSide) -> str:
        if not self.identities.isdisjoint(contact.identities):
            return "same"
        if self.scopes and not self.scopes.isdisjoint(other.scopes):
            return "different"
        return "unknown"
