"""Decide what a lead is: a contact already known (merge), maybe known (suggest), or new.

Each candidate is scored with Fellegi–Sunter weights (hub/dedupe/weights.py, calibrated by
benchmarks/calibrate_dedupe.py): the sum over fields of log2(m / u) for the level each comparator found.
Bands turn the best score into a decision; guard rules override the bands where the data says
a score alone is not enough (DESIGN.md rule 4: false merges are worse than duplicates).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import getitem
from typing import Any

from hub.dedupe import weights
from hub.dedupe.merge import surviving_name
from hub.dedupe.phones import subscriber
from hub.dedupe.score import (EXACT, FIELDS, GIVEN_CONFLICTS, Comparison, LeadSide, Levels, compare, compare_contacts,
                              compare_names, lead_phones)
from hub.model import Contact, Decision, Lead, Suggestion, quick_init

MAX_CANDIDATES = 100
THRESHOLDS = {"merge": weights.MERGE_AT, "suggest": weights.SUGGEST_AT, "name_only": weights.NAME_ONLY_AT}

# Guards: why a candidate is merged, or suggested, whatever its score.
SAME_IDENTITY = "same_identity"  # the same channel identity is the same person
SHARED_PHONE_OTHER_GIVEN = "shared_phone_other_given"  # family members share phones
SHARED_EMAIL_OTHER_GIVEN = "shared_email_other_given"  # ... and a family's mailbox
SHARED_OTHER_GIVEN = frozenset({SHARED_PHONE_OTHER_GIVEN, SHARED_EMAIL_OTHER_GIVEN})
NAME_ONLY = "name_only"  # names alone never prove a person: at most a suggestion
NO_NAME = "no_name"  # a phone or email in common (or both), no name on one side: maybe a family member
CHAT_WITHOUT_NAME = "chat_without_name"  # a chat whose sender's profile has not named it yet
SHARED_PHONE = frozenset({"exact", "converted"})  # phone levels of a number in common
# Names that with a phone one digit off say it is the same person: the same words (not the
# commonest: Nguyễn Văn Hùng), or a middle name dropped from an uncommon name.
SURE_WITH_A_SLIP = frozenset({"exact_rare", "exact", "full"})
# Name levels of two people, whatever else they share: the given names conflict (or may), or
# the same given name comes with another family name or another middle name ("Nguyễn Thùy
# Ánh" / "Hà Minh Ánh", "Nguyễn Bích Dung" / "Nguyễn Thị Dung": colleagues on an office's
# hotline, a sales collaborator's customers on her phone, as well as a family on its own).
OTHER_NAME = GIVEN_CONFLICTS | {"family_differs", "middle_differs"}


@quick_init
@dataclass(frozen=True)
class Scored:
    lead: Lead
    contact: Contact
    score: float
    levels: Levels
    guard: str | None

    @property
    def mergeable(self) -> bool:
        if self.guard == SAME_IDENTITY:
            return True
        return self.guard is None and self.score >= weights.MERGE_AT

    @property
    def suggestible(self) -> bool:
        """Worth a review on its own evidence (a name-only look-alike also depends on the others:
        see _to_review)."""
        if self.guard == NAME_ONLY:
            return False
        return self.guard in SHARED_OTHER_GIVEN or self.score >= weights.SUGGEST_AT

    @property
    def look_alike(self) -> bool:
        return self.guard == NAME_ONLY and self.levels[0] in AGREEING_NAMES

    @cached_property
    def comparisons(self) -> Mapping[str, Comparison]:
        """The full comparison with its evidence: built only for the candidates a decision reports."""
        return compare(self.lead, self.contact)

    def evidence(self) -> dict[str, Any]:
        """Per field: the level, its weight and what was compared; plus the guard if any."""
        return _evidence(self.comparisons, self.guard)


def _evidence(comparisons: Mapping[str, Comparison], guard: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: {"level": c.level, "weight": weights.WEIGHTS[name][c.level], **c.evidence}
        for name, c in comparisons.items()
    }
    return {**fields, "guard": guard} if guard else fields


def guard_rule(levels: Mapping[str, str]) -> str | None:
    """The guard rule that applies to a candidate with these levels per field, if any."""
    return _guard(tuple(levels[name] for name in FIELDS))  # type: ignore[arg-type]


# Names that agree: the same words, or one with a middle name dropped.
AGREEING_NAMES = EXACT | {"full", "full_common"}


def look_alike(levels: Mapping[str, str]) -> bool:
    """A candidate only the name resembles (no phone, email or identity in common)."""
    return guard_rule(levels) == NAME_ONLY and levels["name"] in AGREEING_NAMES


def name_only_cut(look_alikes: int) -> float:
    """The score a name-only look-alike needs to go to review, when the lead has this many.

    k contacts that only look alike by name are each about 1/k as likely to be the lead's person
    (the name is that common in this store: a term-frequency adjustment made from the candidates
    themselves), so the cut rises by log2(k).
    """
    return weights.NAME_ONLY_AT + math.log2(max(1, look_alikes))


def _guard(levels: Levels) -> str | None:
    name, phone, email, _, identity = levels
    if identity == "same":
        return SAME_IDENTITY
    shared_phone = phone in SHARED_PHONE
    if shared_phone and name in OTHER_NAME:
        return SHARED_PHONE_OTHER_GIVEN
    # Phone and email both: a family may share its phone and a parent's mailbox too (a son's
    # nameless form with his father's); a name would tell who it is.
    if name == "unknown" and (shared_phone or email == "exact"):
        return NO_NAME
    if email == "exact" and name in OTHER_NAME:  # a husband's form with his wife's email
        return SHARED_EMAIL_OTHER_GIVEN
    # A number one digit off (a slip: hub.dedupe.score._near_number) is evidence, weighed by the
    # model, but not a number in common: no family shares it, so it brings no family guard. Only
    # beside a name that is rare enough does it count: among many thousand Nguyễn ... Hùng, two
    # numbers a digit apart turn up by chance.
    slip = phone == "near" and name in SURE_WITH_A_SLIP
    if not shared_phone and not slip and email not in ("exact", "near"):
        return NAME_ONLY
    return None


_WEIGHTS = tuple(weights.WEIGHTS[name] for name in FIELDS)


# (score, guard) by levels: both depend on the levels alone, and there are at most a few
# thousand combinations, while a lead meets 10-100 candidates.
_BY_LEVELS: dict[Levels, tuple[float, str | None]] = {}


def _score_and_guard(levels: Levels) -> tuple[float, str | None]:
    found = _BY_LEVELS.get(levels)
    if found is None:
        found = _BY_LEVELS[levels] = (round(sum(map(getitem, _WEIGHTS, levels)), 3), _guard(levels))
    return found


def _scored(lead: Lead, contact: Contact, levels: Levels) -> Scored:
    score, guard = _score_and_guard(levels)
    return Scored(lead, contact, score, levels, guard)


def score_candidate(lead: Lead, contact: Contact) -> Scored:
    """The lead compared with one contact, field by field (the straightforward path: decide()
    gets the same result from LeadSide.levels without building the lead's side again)."""
    comparisons = compare(lead, contact)
    return _scored(lead, contact, tuple(c.level for c in comparisons.values()))  # type: ignore[arg-type]


def _considered(side: LeadSide, candidates: Sequence[Contact]) -> list[Contact]:
    """At most MAX_CANDIDATES: those sharing a phone, email or identity first, then the oldest."""
    ranked = sorted(
        {c.id: c for c in candidates}.values(),
        key=lambda c: (not side.shares_a_strong_key(c), c.created_at, c.id),
    )
    return ranked[:MAX_CANDIDATES]


def score_all(lead: Lead, candidates: Sequence[Contact]) -> list[Scored]:
    """Every considered candidate scored, the lead's side of the comparison computed once."""
    side = LeadSide.of(lead)
    return [_scored(lead, c, side.levels(c)) for c in _considered(side, candidates)]


def _suggestion(scored: Scored, guard: str | None = None) -> Suggestion:
    """The candidate for review; its evidence names `guard` when given (a reason more telling
    than the candidate's own), else its own guard."""
    return Suggestion(contact_id=scored.contact.id, score=scored.score,
                      evidence=_evidence(scored.comparisons, guard or scored.guard))


def _to_review(scored: list[Scored], target: Scored | None, line: Sequence[Scored]) -> list[Scored]:
    """The candidates for ops to look at besides the merge target.

    A candidate sharing a phone, email or identity goes by the suggestion band (and the family
    guard); a name-only look-alike by the name-only band, raised by log2 of how many look-alikes
    the lead has (name_only_cut). Its score already holds how common the agreeing name is (the
    name levels), the province, and a phone or email that differs. Beside a merge target only
    the very same words stay: the lead is known by its phone or email, and a contact with its
    very name and no other number is most often its own contact from a channel without a phone.
    The people on a shared line (`line`: on_shared_line) are not sent to review.
    """
    apart = {id(s) for s in line}
    review = [s for s in scored if s is not target and s.suggestible and id(s) not in apart]
    alike = [s for s in scored if s.look_alike]
    cut = name_only_cut(len(alike))
    names = [s for s in alike if s.score >= cut and (target is None or s.levels[0] in EXACT)]
    chosen = {id(s) for s in (*review, *names)}
    return [s for s in scored if id(s) in chosen]  # best first, as scored


def on_shared_line(scored: Sequence[Scored]) -> list[Scored]:
    """The candidates on a shared line: the lead's phone is known to two people or more with
    names that are other people's to each other (OTHER_NAME), and the lead's name is another
    person's to each of them (SHARED_PHONE_OTHER_GIVEN). [] otherwise.

    One person besides the lead on a phone is the family guard's case: the pair goes to review
    (ops say whether "Trần Văn Hùng" is the son of "Nguyễn Thị Lan" or her under another name).
    Once the phone is known as a household's or an office's line (mother and father, an office
    hotline, a sales collaborator's phone typed on her customers' forms), yet another name on it
    is yet another person: pairing the lead with everyone on the line would be a review item
    ops reject, and nothing is merged either way. A lead with no name on such a line still goes
    to review with everyone on it: it is most often one of them, and only ops can say which.
    """
    others = [s for s in scored if s.guard == SHARED_PHONE_OTHER_GIVEN]
    if len(others) < 2:
        return []
    found: dict[int, Scored] = {}
    for number in {subscriber(p) for p in lead_phones(others[0].lead)}:  # each of the lead's lines
        line = [s for s in others if number in {subscriber(p) for p in s.contact.phones}]
        if any(compare_names(a.contact.name, b.contact.name).level in OTHER_NAME
               for i, a in enumerate(line) for b in line[i + 1:]):
            found.update((id(s), s) for s in line)
    return [s for s in others if id(s) in found]


def _with_lead(contact: Contact, lead: Lead) -> Contact:
    """The contact as it stands once the lead is merged into it: the points add up, the name is
    the one survivorship keeps (hub.dedupe.merge), the province the contact's or else the lead's."""
    name = surviving_name(contact.name, contact.created_at, lead.name, lead.captured_at)
    province = contact.province_code or (lead.province.code if lead.province is not None else None)
    return Contact(
        id=contact.id, created_at=contact.created_at, name=name,
        phones=contact.phones | set(lead_phones(lead)),
        emails=contact.emails | {e.key for e in lead.emails},
        identities=contact.identities | {i.key for i in lead.identities},
        province_code=province,
    )


def _joined(a: Contact, b: Contact) -> Contact:
    """Two contacts seen as one: the older one's name and province unless it has none."""
    return Contact(id=a.id, created_at=a.created_at, name=a.name or b.name, phones=a.phones | b.phones,
                   emails=a.emails | b.emails, identities=a.identities | b.identities,
                   province_code=a.province_code or b.province_code)


def _reachable(view: Contact, contact: Contact) -> bool:
    """A phone (either form) or an email key in common: what a merge needs besides the names."""
    if not view.emails.isdisjoint(contact.emails):
        return True
    return not {subscriber(p) for p in view.phones}.isdisjoint(subscriber(p) for p in contact.phones)


def _also_merged(target: Scored, scored: list[Scored]) -> list[Suggestion]:
    """Other candidates that are the target's person once the lead has joined it (N-way).

    The lead may bring the key that links two contacts already known (a chat known by its Zalo
    id, and a form known by its phone, the chat now giving that phone). Each is compared with the
    target as it stands with the lead, by the same bands and guards as a lead, and must not be a
    family member of the lead or of the target (another person's name, OTHER_NAME, beside either).
    """
    view = _with_lead(target.contact, target.lead)
    found = []
    for s in scored:
        if s is target or s.levels[0] in OTHER_NAME or not _reachable(view, s.contact):
            continue
        if compare_names(target.contact.name, s.contact.name).level in OTHER_NAME:
            continue
        comparisons = compare_contacts(view, s.contact)
        levels: Levels = tuple(c.level for c in comparisons.values())  # type: ignore[assignment]
        score = round(sum(map(getitem, _WEIGHTS, levels)), 3)
        if _guard(levels) is None and score >= weights.MERGE_AT:
            found.append(Suggestion(contact_id=s.contact.id, score=score,
                                    evidence={**_evidence(comparisons, None), "with": target.contact.id}))
            view = _joined(view, s.contact)
    return found


def decide(lead: Lead, candidates: Sequence[Contact]) -> Decision:
    """Merge into the best candidate above the merge band (or sharing the lead's identity);
    otherwise suggest the candidates above the suggestion band; otherwise a new contact."""
    side = LeadSide.of(lead)
    unique = list({c.id: c for c in candidates}.values())
    if len(unique) > MAX_CANDIDATES:  # else all are considered, and decide_scored orders them
        unique = _considered(side, unique)  # (by score, then age and id: a total order)
    scored: list[Scored] = []
    bystanders: list[_Bystander] = []
    for contact in unique:
        levels = side.levels(contact)
        score, guard = _score_and_guard(levels)
        if guard == NAME_ONLY and levels[0] not in AGREEING_NAMES:
            bystanders.append((score, contact, levels))
        else:
            scored.append(Scored(lead, contact, score, levels, guard))
    return _decided(scored, bystanders, lead)


# A candidate that can be neither merged nor sent to review: no phone, email or identity in
# common with the lead, and a name that does not agree with the lead's (another middle or
# family name). The name keys bring many: 86 % of the candidates of a 30,000-row import's leads.
# decide() keeps only their (score, contact, levels), which decides as decide_scored() would
# over them all: they matter only to a merge (_also_merged goes through every candidate) and as
# the closest candidate a new contact's decision records.
_Bystander = tuple[float, Contact, Levels]


def _unnamed_chat(lead: Lead) -> bool:
    """A chat from a channel identity with no name yet: what it shares with a contact (a phone
    or email typed into the message, often a parent's) does not say who is typing; the
    sender's profile does, and enrichment fetches it. Only its own identity merges it before."""
    return lead.identity is not None and lead.name is None


def _rank(scored: Scored) -> tuple[bool, float, Any, str]:
    """Best first: an identity match, then the score, then the oldest contact (a total order)."""
    return scored.guard != SAME_IDENTITY, -scored.score, scored.contact.created_at, scored.contact.id


def _ambiguous(target: Scored, scored: list[Scored]) -> bool:
    """Another candidate the lead would merge into as well, who is not the target's person: a
    name of someone else than the target's (OTHER_NAME: "Nguyen Thanh Hung" on the phone of
    Nguyễn Thanh Hùng and of his son Nguyễn Thanh Hưng, folded alike). The lead may be either:
    ops say which. The same channel identity is never ambiguous."""
    if target.guard == SAME_IDENTITY:
        return False
    return any(s is not target and s.mergeable
               and compare_names(target.contact.name, s.contact.name).level in OTHER_NAME for s in scored)


def decide_scored(scored: list[Scored]) -> Decision:
    """The decision over candidates already scored (decide() scores them with score_all)."""
    return _decided(scored, [], None)


def _decided(scored: list[Scored], bystanders: list[_Bystander], lead: Lead | None) -> Decision:
    """decide_scored() over `scored` and the bystanders (of `lead`) together, making Scored of
    the bystanders only when a merge needs them, or of the closest one for a new contact."""
    scored.sort(key=_rank)
    common: dict[str, Any] = {"thresholds": dict(THRESHOLDS), "model": weights.MODEL}
    target = next((s for s in scored if s.mergeable), None)
    chat = bool(scored) and _unnamed_chat(scored[0].lead)  # the same lead in every Scored
    waits = target is not None and target.guard != SAME_IDENTITY and chat
    if waits:  # its profile will name it, and the contact is matched again then (hub.store.rematch)
        target = None
    if target is not None and _ambiguous(target, scored):  # both go to review
        target = None
    if target is not None and bystanders and lead is not None:  # a merge goes through them all (_also_merged)
        scored = sorted([*scored, *(Scored(lead, c, score, levels, NAME_ONLY) for score, c, levels in bystanders)],
                        key=_rank)
        bystanders = []
    merged = _also_merged(target, scored) if target is not None else []
    joined = {m.contact_id for m in merged}
    line = on_shared_line(scored)
    # Why nobody else on the lead's phone went to review.
    apart: dict[str, Any] = {"shared_line": sorted(s.contact.id for s in line)} if line else {}
    # A chat with no name yet goes to review as one (its profile will name it, and it is matched
    # again then), rather than as any nameless lead would.
    others = tuple(_suggestion(s, CHAT_WITHOUT_NAME if chat and s.guard in (None, NO_NAME) else None)
                   for s in _to_review(scored, target, line) if s.contact.id not in joined)
    if target is not None:
        return Decision(action="merge", contact_id=target.contact.id, score=target.score,
                        evidence={**target.evidence(), **apart}, suggestions=others, merged=tuple(merged), **common)
    if others:
        best = others[0]
        return Decision(action="suggest", score=best.score,
                        evidence={**best.evidence, "contact_id": best.contact_id, **apart},
                        suggestions=others, **common)
    if bystanders and lead is not None:  # the closest of them may be the closest candidate
        top = max(score for score, _, _ in bystanders)
        score, contact, levels = min((b for b in bystanders if b[0] == top), key=lambda b: (b[1].created_at, b[1].id))
        closest = Scored(lead, contact, score, levels, NAME_ONLY)
        scored = sorted([*scored[:1], closest], key=_rank)
    if not scored:
        return Decision(action="new", **common)
    best_scored = scored[0]
    return Decision(action="new", score=best_scored.score,
                    evidence={**best_scored.evidence(), "contact_id": best_scored.contact.id, **apart}, **common)
