"""Decide what a lead is: a contact already known (merge), maybe known (suggest), or new.

Each candidate is scored with Fellegi–Sunter weights (hub/dedupe/weights.py, calibrated by
benchmarks/calibrate_dedupe.py): the sum over fields of log2(m / u) for the level each comparator found.
Bands turn the best score into a decision; guard rules override the bands where the data says
a score alone is not enough (DESIGN.md rule 4: false merges are worse than duplicates).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hub.dedupe import weights
from hub.dedupe.phones import subscriber
from hub.dedupe.score import GIVEN_CONFLICTS, Comparison, compare, lead_phones
from hub.model import Contact, Decision, Lead, Suggestion

MAX_CANDIDATES = 100
# A name alone shared with more candidates than this is too common to send anyone to review.
MAX_NAME_ONLY_SUGGESTIONS = 2
THRESHOLDS = {"merge": weights.MERGE_AT, "suggest": weights.SUGGEST_AT}

# Guards: why a candidate is merged, or suggested, whatever its score.
SAME_IDENTITY = "same_identity"  # the same channel identity is the same person
SHARED_PHONE_OTHER_GIVEN = "shared_phone_other_given"  # family members share phones
NAME_ONLY = "name_only"  # names alone never prove a person: at most a suggestion


@dataclass(frozen=True)
class Scored:
    contact: Contact
    score: float
    comparisons: Mapping[str, Comparison]
    guard: str | None

    @property
    def mergeable(self) -> bool:
        if self.guard == SAME_IDENTITY:
            return True
        return self.guard is None and self.score >= weights.MERGE_AT

    @property
    def suggestible(self) -> bool:
        return self.guard == SHARED_PHONE_OTHER_GIVEN or self.score >= weights.SUGGEST_AT

    def evidence(self) -> dict[str, Any]:
        """Per field: the level, its weight and what was compared; plus the guard if any."""
        fields: dict[str, Any] = {
            name: {"level": c.level, "weight": weights.WEIGHTS[name][c.level], **c.evidence}
            for name, c in self.comparisons.items()
        }
        return {**fields, "guard": self.guard} if self.guard else fields


def guard_rule(levels: Mapping[str, str]) -> str | None:
    """The guard rule that applies to a candidate with these levels per field, if any."""
    if levels["identity"] == "same":
        return SAME_IDENTITY
    shared_phone = levels["phone"] in ("exact", "converted")
    if shared_phone and levels["name"] in GIVEN_CONFLICTS:
        return SHARED_PHONE_OTHER_GIVEN
    if not shared_phone and levels["email"] not in ("exact", "near"):
        return NAME_ONLY
    return None


def score_candidate(lead: Lead, contact: Contact) -> Scored:
    """The lead compared with one contact: the summed weights and the guard that applies."""
    comparisons = compare(lead, contact)
    score = sum(weights.WEIGHTS[name][c.level] for name, c in comparisons.items())
    return Scored(contact, round(score, 3), comparisons, guard_rule({n: c.level for n, c in comparisons.items()}))


def _shares_a_strong_key(lead: Lead, contact: Contact) -> bool:
    phones = {subscriber(p) for p in lead_phones(lead)} & {subscriber(p) for p in contact.phones}
    emails = {e.key for e in lead.emails} & contact.emails
    return bool(phones or emails or (lead.identity and lead.identity.key in contact.identities))


def _considered(lead: Lead, candidates: Sequence[Contact]) -> list[Contact]:
    """At most MAX_CANDIDATES: those sharing a phone, email or identity first, then the oldest."""
    ranked = sorted(
        {c.id: c for c in candidates}.values(),
        key=lambda c: (not _shares_a_strong_key(lead, c), c.created_at, c.id),
    )
    return ranked[:MAX_CANDIDATES]


def _suggestion(scored: Scored) -> Suggestion:
    return Suggestion(contact_id=scored.contact.id, score=scored.score, evidence=scored.evidence())


def _to_review(scored: list[Scored], target: Scored | None) -> list[Scored]:
    """The candidates for ops to look at besides the merge target. Name-only look-alikes are left
    out when the lead matched someone on a phone or email, or when there are many of them
    ("Nguyễn Văn Hùng" in Hà Nội): ops cannot tell them apart any better than the score."""
    review = [s for s in scored if s is not target and s.suggestible]
    name_only = [s for s in review if s.guard == NAME_ONLY]
    if target is not None or len(name_only) > MAX_NAME_ONLY_SUGGESTIONS:
        return [s for s in review if s.guard != NAME_ONLY]
    return review


def decide(lead: Lead, candidates: Sequence[Contact]) -> Decision:
    """Merge into the best candidate above the merge band (or sharing the lead's identity);
    otherwise suggest the candidates above the suggestion band; otherwise a new contact."""
    scored = [score_candidate(lead, c) for c in _considered(lead, candidates)]
    # Best first: an identity match, then the score, then the oldest contact.
    scored.sort(key=lambda s: (s.guard != SAME_IDENTITY, -s.score, s.contact.created_at, s.contact.id))
    common = {"thresholds": dict(THRESHOLDS), "model": weights.MODEL}
    target = next((s for s in scored if s.mergeable), None)
    others = tuple(_suggestion(s) for s in _to_review(scored, target))
    if target is not None:
        return Decision(action="merge", contact_id=target.contact.id, score=target.score,
                        evidence=target.evidence(), suggestions=others, **common)
    if others:
        best = others[0]
        return Decision(action="suggest", score=best.score,
                        evidence={**best.evidence, "contact_id": best.contact_id},
                        suggestions=others, **common)
    if not scored:
        return Decision(action="new", **common)
    best_scored = scored[0]
    return Decision(action="new", score=best_scored.score,
                    evidence={**best_scored.evidence(), "contact_id": best_scored.contact.id}, **common)
