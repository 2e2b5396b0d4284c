"""Where dedupe misses: the true pairs it does not join, and the leads it sends to review, by evidence.

    python benchmarks/dedupe_breakdown.py [--seed N] [--people N] [--in-memory] [--named-chats]
                                          [--data alt|third|fourth]

Runs the leads of benchmarks/dedupe_data.py (--data alt: dedupe_data_alt.py, --data third:
dedupe_data_third.py, --data fourth: dedupe_data_fourth.py) as dedupe_accuracy.py does, then
classifies every true pair (two leads of one person) by the outcome (auto: one contact;
suggest: joined by the open suggestions; missed) and by the evidence the two leads share:
- "direct": a phone (either prefix form), a canonical email or a channel identity in common;
- "chain": no strong key in common, but linked by strong keys through the person's other leads
  (split into "chain<=" when the linking leads all came no later than the later of the two,
  i.e. a store seeing leads in order could know it, and "chain>" when a later lead is needed);
- "name": only the names (with the name level of the two leads' names) and the province;
- "none": no name either (a missing or non-personal name on one side).
A chat's name is its profile's (what enrichment gives its contact).
Also by channel pair and by the kind of name each lead carries, and the review items by whether
the pair was true and why it was suggested.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_accuracy import Outcome, _joined, add_data_arguments, run_in_memory, run_store, samples  # noqa: E402
from benchmarks.dedupe_data import Sample  # noqa: E402
from hub.dedupe.phones import subscriber  # noqa: E402
from hub.dedupe.score import compare_names, lead_phones  # noqa: E402
from hub.model import Lead  # noqa: E402
from hub.normalize import normalize  # noqa: E402


def strong(lead: Lead) -> set[str]:
    keys = {f"p:{subscriber(p)}" for p in lead_phones(lead)} | {f"e:{e.key}" for e in lead.emails}
    return keys | ({f"i:{lead.identity.key}"} if lead.identity else set())


def name_kind(lead: Lead) -> str:
    name = lead.name
    if name is None:
        return "none"
    if not name.is_personal:
        return "nonpersonal"
    if name.family is None:
        return "given+salute" if name.salutation else "given"
    return "full"


def _linked(i: int, j: int, members: list[int], keys: list[set[str]]) -> bool:
    """i and j connected through strong-key edges among the given leads."""
    allowed = set(members)
    seen, frontier = {i}, [i]
    while frontier:
        a = frontier.pop()
        for b in allowed - seen:
            if keys[a] & keys[b]:
                if b == j:
                    return True
                seen.add(b)
                frontier.append(b)
    return False


def evidence(i: int, j: int, members: list[int], keys: list[set[str]], leads: list[Lead]) -> str:
    if keys[i] & keys[j]:
        return "direct"
    if _linked(i, j, [m for m in members if m <= j], keys):
        return "chain<="
    if _linked(i, j, members, keys):
        return "chain>"
    level = compare_names(leads[i].name, leads[j].name).level
    if level == "unknown":
        return "none"
    return f"name:{level}"


def province(a: Lead, b: Lead) -> str:
    pa, pb = (x.province.code if x.province else None for x in (a, b))
    return "unknown" if pa is None or pb is None else ("same" if pa == pb else "different")


def _seen(sample: Sample) -> Lead:
    """The lead with the name its contact gets: a chat's name comes from its profile."""
    lead = normalize(sample.draft)
    if lead.name is None and sample.profile is not None:
        return replace(lead, name=normalize(sample.profile).name)
    return lead


def breakdown(samples: list[Sample], outcome: Outcome) -> None:
    leads = [_seen(s) for s in samples]
    keys = [strong(lead) for lead in leads]
    joined = _joined(outcome)
    by_person: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(samples):
        by_person[s.person].append(i)
    table: Counter[tuple[str, str]] = Counter()
    channels: Counter[tuple[str, str]] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    prov: Counter[tuple[str, str]] = Counter()
    total = 0
    for members in by_person.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                total += 1
                result = ("auto" if outcome.clusters[i] == outcome.clusters[j]
                          else "suggest" if joined[i] == joined[j] else "missed")
                ev = evidence(i, j, members, keys, leads)
                table[(ev, result)] += 1
                group = ev.split(":")[0]
                pair = tuple(sorted((samples[i].draft.channel, samples[j].draft.channel)))
                channels[(f"{pair[0]}+{pair[1]}", result)] += 1
                kinds[(" / ".join(sorted((name_kind(leads[i]), name_kind(leads[j])))), result)] += 1
                if group == "name":
                    prov[(province(leads[i], leads[j]), result)] += 1
    _print("true pairs by shared evidence", table, total)
    _print("true pairs by channel pair", channels, total)
    _print("true pairs by name kinds", kinds, total)
    _print("name-only true pairs by province", prov, total)
    _review(samples, outcome)


def _print(title: str, table: Counter[tuple[str, str]], total: int) -> None:
    print(f"\n{title} (of {total} true pairs)")
    print(f"  {'':34} {'auto':>7} {'suggest':>8} {'missed':>7} {'all':>7}")
    rows = sorted({k for k, _ in table}, key=lambda k: -sum(table[(k, r)] for r in ("auto", "suggest", "missed")))
    for k in rows:
        counts = [table[(k, r)] for r in ("auto", "suggest", "missed")]
        print(f"  {k:34} {counts[0]:7} {counts[1]:8} {counts[2]:7} {sum(counts):7}")


def _review(samples: list[Sample], outcome: Outcome) -> None:
    owner: dict[str, Counter[int]] = defaultdict(Counter)
    for cluster, s in zip(outcome.clusters, samples):
        owner[cluster][s.person] += 1
    household = {s.person: s.household for s in samples}
    found: Counter[str] = Counter()
    for a, b in outcome.suggestions:
        pa, pb = set(owner[a]), set(owner[b])
        if pa & pb:
            found["true"] += 1
        elif any(household[x] is not None and household[x] == household[y] for x in pa for y in pb):
            found["family"] += 1
        else:
            found["stranger"] += 1
    print(f"\nreview items left open: {len(outcome.suggestions)} pairs; {outcome.reviewed} leads sent to review")
    for k, v in found.most_common():
        print(f"  {k:12} {v}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--in-memory", action="store_true")
    args = parser.parse_args()
    leads = samples(parser, args)
    outcome = run_in_memory(leads) if args.in_memory else run_store(leads)
    breakdown(leads, outcome)


if __name__ == "__main__":
    main()
