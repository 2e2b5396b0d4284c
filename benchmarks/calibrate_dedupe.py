"""Fit the Fellegi–Sunter weights and the decision bands on seeded labelled data; rewrite weights.py.

`python benchmarks/calibrate_dedupe.py` (it reads benchmarks/dedupe_data.py).
Labelled pairs come from replaying generated leads against an in-memory store where every lead
joins its true person's contact: each (lead, candidate found by blocking) pair is a match or not.
For each field and level, m = P(level | match), u = P(level | non-match), weight = log2(m / u).
The same seeds always give the same weights.py, byte for byte.
"""
from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter
from collections.abc import Iterator
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_data import generate  # noqa: E402
from hub.dedupe.decide import SAME_IDENTITY, SHARED_PHONE_OTHER_GIVEN, guard_rule  # noqa: E402
from benchmarks.dedupe_memory import MemoryContacts  # noqa: E402
from hub.dedupe.score import LEVELS, compare  # noqa: E402
from hub.model import Contact, Lead  # noqa: E402
from hub.normalize import normalize  # noqa: E402

SEEDS = (101, 102, 103)  # calibration only: benchmarks/dedupe_accuracy.py runs other seeds
PEOPLE = 2000
MIN_SEEN = 20  # a level seen fewer times than this (matches + random pairs) weighs 0...
# ...unless it means the same as a level that was seen: the same subscriber is the same number
# (the labelled data has no converted numbers until the normalizer converts old prefixes).
SAME_MEANING = {("phone", "converted"): "exact"}
SMOOTHING = 0.5  # added to every level count, so an unseen level gets a finite weight
MERGE_PRECISION = 0.999  # non-matches tolerated above the merge band, among mergeable pairs
SUGGEST_RECALL = 0.95  # matches that must reach at least the suggestion band
RANDOM_PAIRS = 10  # random non-matches drawn per lead
MARGIN = 1.0  # bands are moved this far to the safe side of the fitted cut
Levels = dict[str, str]


def labelled_pairs(seed: int) -> Iterator[tuple[str, Levels]]:
    """(kind, levels per field) with kind "match" (the lead vs its own person's contact),
    "blocked" (vs another person's contact found by blocking: the hard non-matches) or
    "random" (vs other people's contacts drawn at random: the population the u-probabilities
    describe). Leads are replayed in capture order; each then joins its own person's contact."""
    memory = MemoryContacts()
    rng = random.Random(seed)
    for sample in generate(seed, PEOPLE):
        lead = normalize(sample.draft)
        own = memory.contacts.get(str(sample.person))
        if own is not None:
            yield "match", _levels(lead, own)
        for contact in memory.candidates(lead):
            if contact is not own:
                yield "blocked", _levels(lead, contact)
        known = sorted(memory.contacts)
        for contact_id in rng.sample(known, min(RANDOM_PAIRS, len(known))):
            if contact_id != str(sample.person):
                yield "random", _levels(lead, memory.contacts[contact_id])
        memory.add(str(sample.person), lead, lead.captured_at)


def _levels(lead: Lead, contact: Contact) -> Levels:
    return {name: c.level for name, c in compare(lead, contact).items()}


def fit_weights(pairs: list[tuple[str, Levels]]) -> dict[str, dict[str, float]]:
    """log2(m / u) per field and level, m from the matches, u from the random pairs; smoothed,
    rounded to 2 decimals. A missing value, or a level too rarely seen to say anything, weighs 0."""
    matches = sum(1 for kind, _ in pairs if kind == "match")
    others = sum(1 for kind, _ in pairs if kind == "random")
    weights: dict[str, dict[str, float]] = {}
    for field, levels in LEVELS.items():
        m = Counter(lv[field] for kind, lv in pairs if kind == "match")
        u = Counter(lv[field] for kind, lv in pairs if kind == "random")
        smooth = SMOOTHING * len(levels)
        weights[field] = {
            level: 0.0 if level == "unknown" or m[level] + u[level] < MIN_SEEN else round(math.log2(((m[level] + SMOOTHING) / (matches + smooth))
                                   / ((u[level] + SMOOTHING) / (others + smooth))), 2)
            for level in levels
        }
    for (field, level), same in SAME_MEANING.items():
        if weights[field][level] == 0.0:
            weights[field][level] = weights[field][same]
    return weights




def _scored(pairs: list[tuple[str, Levels]], weights: dict[str, dict[str, float]]) -> list[tuple[float, bool, str | None]]:
    """(score, is a match, guard) for the pairs decide() meets: matches and blocked non-matches."""
    return [
        (sum(weights[f][lv] for f, lv in levels.items()), kind == "match", guard_rule(levels))
        for kind, levels in pairs
        if kind != "random"
    ]


def fit_bands(scored: list[tuple[float, bool, str | None]]) -> tuple[float, float]:
    """(merge_at, suggest_at) on a half-point grid.

    merge_at: the lowest cut above which at most 1 - MERGE_PRECISION of the pairs free of guards
    are non-matches, plus MARGIN. suggest_at: the highest cut that still brings SUGGEST_RECALL of
    the matches to a merge or to review, minus MARGIN."""
    grid = [x / 2 for x in range(-40, 81)]
    free = [(score, is_match) for score, is_match, guard in scored if guard is None]

    def precise(cut: float) -> bool:
        above = [is_match for score, is_match in free if score >= cut]
        return not above or above.count(False) <= (1 - MERGE_PRECISION) * len(above)

    merge_at = next(cut for cut in grid if precise(cut)) + MARGIN
    matches = [(score, guard) for score, is_match, guard in scored if is_match]
    forced = sum(1 for _, guard in matches if guard in (SAME_IDENTITY, SHARED_PHONE_OTHER_GIVEN))

    def reached(cut: float) -> float:
        above = sum(1 for score, guard in matches if score >= cut and guard not in (SAME_IDENTITY, SHARED_PHONE_OTHER_GIVEN))
        return (forced + above) / max(len(matches), 1)

    suggest_at = max(cut for cut in grid if reached(cut) >= SUGGEST_RECALL) - MARGIN
    return merge_at, min(suggest_at, merge_at - MARGIN)


def render(weights: dict[str, dict[str, float]], merge_at: float, suggest_at: float) -> str:
    """The text of weights.py; the model version is a digest of the parameters."""
    params = {"weights": weights, "merge_at": merge_at, "suggest_at": suggest_at}
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
    table = "\n".join(f"    {field!r}: {levels!r}," for field, levels in weights.items())
    return (
        '"""Calibrated Fellegi–Sunter weights. GENERATED by `python benchmarks/calibrate_dedupe.py`: '
        'do not edit."""\n'
        "from __future__ import annotations\n\n"
        f'MODEL = "fs-{digest}"\n'
        f"MERGE_AT = {merge_at!r}\n"
        f"SUGGEST_AT = {suggest_at!r}\n"
        "WEIGHTS: dict[str, dict[str, float]] = {\n"
        f"{table}\n"
        "}\n"
    )


def main() -> None:
    """Fit on the calibration seeds and rewrite hub/dedupe/weights.py."""
    pairs = [pair for seed in SEEDS for pair in labelled_pairs(seed)]
    weights = fit_weights(pairs)
    merge_at, suggest_at = fit_bands(_scored(pairs, weights))
    target = Path(__file__).resolve().parent.parent / "hub" / "dedupe" / "weights.py"
    target.write_text(render(weights, merge_at, suggest_at), encoding="utf-8")
    print(f"{target}: merge at {merge_at}, suggest at {suggest_at}, {len(pairs)} pairs")


if __name__ == "__main__":
    main()
