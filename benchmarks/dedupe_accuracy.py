"""Dedupe accuracy on generated Vietnamese leads with known truth.

    python benchmarks/dedupe_accuracy.py [--seed N] [--people N] [--in-memory] [--named-chats]
                                         [--data alt|third|fourth] [--name-only-cuts 10,8,6,4]

Default: the real store path (a temp SQLite database, migrated; apply_lead per lead in its own
transaction, and for a chat from an identity not seen before, the profile enrichment fetches,
applied with hub.enrich.apply.apply_profile in that transaction), then the final clusters
(leads.contact_id, following contacts.merged_into) and the open merge_suggestions are read back.
--in-memory: the store simulated with blocking_keys and decide() (benchmarks/dedupe_memory.py),
to measure the scoring whatever the store's candidate fetch does. --named-chats: the generator
before its channel facts (benchmarks/dedupe_data.py), for figures comparable with older runs.
--data alt: the leads of benchmarks/dedupe_data_alt.py instead, a second generator written
without seeing the matcher or the first one (its own rates, in its docstring): how well the
model, calibrated on the first, does on data it was not fitted to. --data third: the leads of
benchmarks/dedupe_data_third.py, a third generator written the same way (its rates in its docstring).
--data fourth: benchmarks/dedupe_data_fourth.py, a fourth one written the same way to catch wrong
merges: colleagues on an office's line and mailbox, a sales collaborator typing her customers'
forms with her phone, siblings with given names one tone apart (Hưng / Hùng), common names. Its
"family pairs" count every such group (a household id is shared by whoever shares a phone).

Prints pairwise precision / recall of auto-merges, recall of auto-merges + suggestions, the
auto-merged family-member pairs, and two shares of leads sent to review:
- "review share": leads whose processing (the decision, and the re-match after their profile)
  left a pair not already known open in the review queue, whether the lead got a new contact
  or merged (a pair its merge made the same as one already in review is closed as a duplicate,
  hub.store.merging: not a new item for ops);
- "review share (queued)": leads whose processing queued such a pair at all, even one their
  profile's re-match settled a moment later (a nameless chat suggested on its phone alone, then
  merged once its profile names it). Without profiles (--named-chats) the two are equal.
--name-only-cuts: the trade-off between recall and review load, one line per value of the
name-only band (weights.NAME_ONLY_AT: the score a pair linked by its names alone needs to go to
review), the rest of the model unchanged.
Targets in the issue #4 notes.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_data import Sample, generate  # noqa: E402
from benchmarks.dedupe_memory import MemoryContacts  # noqa: E402
from hub.dedupe import decide  # noqa: E402
from hub.model import Decision, Lead  # noqa: E402
from hub.normalize import normalize  # noqa: E402
from hub.store.rematch import as_lead  # noqa: E402

if TYPE_CHECKING:
    from hub.store import Store


@dataclass(frozen=True)
class Outcome:
    clusters: list[str]  # per lead, the contact it ended on (after merges)
    suggestions: list[tuple[str, str]]  # contact pairs left in review at the end
    reviewed: int  # leads whose processing left a new pair open in the review queue
    queued: int  # leads whose processing put a new pair in the queue, even if settled at once


def run_in_memory(samples: list[Sample]) -> Outcome:
    memory = MemoryContacts()
    clusters: list[str] = []
    known: set[frozenset[str]] = set()
    enriched: set[str] = set()
    reviewed = queued = 0
    # The known pairs as the contacts stand (after merges), to tell a pair ops already have:
    # recomputed only when contacts merged (a lead joining a contact changes no pair).
    open_pairs: set[frozenset[str]] = set()
    merges = 0
    for i, sample in enumerate(samples):
        lead = normalize(sample.draft)
        decision = decide(lead, memory.candidates(lead))
        contact_id = memory.apply(decision, lead, f"c{i}")
        clusters.append(contact_id)
        # As the store's add_suggestions: a pair already queued (either way round) is not queued again.
        added = _queue(known, contact_id, decision)
        if sample.profile is not None and lead.identity is not None and lead.identity.key not in enriched:
            enriched.add(lead.identity.key)
            added |= _enrich(memory, known, contact_id, normalize(sample.profile))
        queued += bool(added)
        if len(memory.merged_into) != merges:  # as the store's merge closes the pairs it settles
            merges = len(memory.merged_into)
            open_pairs = {pair for pair in map(memory.pair, known - added) if len(pair) == 2}
        opened = {pair for pair in map(memory.pair, added) if len(pair) == 2}
        # A pair the lead's merge made the same as one ops already have is closed as a duplicate.
        reviewed += bool(opened - open_pairs)
        open_pairs |= opened
    resolve = memory.resolve
    pairs = [(resolve(a), resolve(b)) for a, b in map(tuple, known)]
    return Outcome([resolve(c) for c in clusters], [p for p in pairs if p[0] != p[1]], reviewed, queued)


def _queue(known: set[frozenset[str]], contact_id: str, decision: Decision) -> set[frozenset[str]]:
    new = {frozenset((contact_id, s.contact_id)) for s in decision.suggestions if s.contact_id != contact_id} - known
    known |= new
    return new


def _enrich(memory: MemoryContacts, known: set[frozenset[str]], contact_id: str, profile: Lead) -> set[frozenset[str]]:
    """What the hub does with a fetched profile (hub.enrich.apply, hub.store.rematch): the name
    onto the contact, then the contact matched again; a merge joins the older contact."""
    contact_id = memory.resolve(contact_id)
    memory.add(contact_id, profile, profile.captured_at)
    contact = memory.contacts[contact_id]
    lead = as_lead(contact)
    decision = decide(lead, [c for c in memory.candidates(lead) if c.id != contact_id])
    if decision.action == "merge" and decision.contact_id is not None:
        group = [memory.contacts[i] for i in (contact_id, decision.contact_id, *(m.contact_id for m in decision.merged))]
        survivor = min(group, key=lambda c: (c.created_at, c.id)).id
        memory.merge(survivor, [c.id for c in group if c.id != survivor])
        contact_id = survivor
    return _queue(known, contact_id, decision)


def run_store(samples: list[Sample]) -> Outcome:
    from sqlalchemy import func, select

    from hub.enrich.apply import apply_profile
    from hub.store import Store
    from hub.store.migrate import upgrade
    from hub.store.repository import apply_lead
    from hub.store.schema import MergeSuggestionRow

    rows = MergeSuggestionRow
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        store = Store(url)
        reviewed = queued = 0
        enriched: set[str] = set()
        for sample in samples:
            with store.transaction() as session:
                last = session.execute(select(func.coalesce(func.max(rows.id), 0))).scalar_one()
                lead = normalize(sample.draft)
                applied = apply_lead(session, lead, None)
                # Enrichment, as hub.enrich schedules it: once per identity the store had not seen.
                if sample.profile is not None and lead.identity is not None and lead.identity.key not in enriched:
                    enriched.add(lead.identity.key)
                    apply_profile(session, applied.contact_id, sample.profile, f"{lead.channel}_profile")
                session.flush()
                added = session.execute(select(rows.status).where(rows.id > last)).scalars().all()
                queued += bool(added)
                reviewed += "open" in added
        outcome = stored_outcome(store, samples, reviewed, queued)
        store.dispose()
    return outcome


def stored_outcome(store: "Store", samples: list[Sample], reviewed: int = 0, queued: int = 0) -> Outcome:
    """What a store holds for the samples' leads: the contact each ended on (following
    merged_into) and the suggestions still open."""
    from sqlalchemy import select

    from hub.store.repository import resolve
    from hub.store.schema import LeadRow, MergeSuggestionRow

    rows = MergeSuggestionRow
    with store.transaction() as session:
        refs = {(s.draft.channel, s.draft.source_ref): i for i, s in enumerate(samples)}
        clusters = [""] * len(samples)
        for row in session.execute(select(LeadRow)).scalars():
            clusters[refs[(row.channel, row.source_ref)]] = resolve(session, row.contact_id).id
        pairs = session.execute(select(rows.contact_id, rows.candidate_id).where(rows.status == "open")).all()
        suggestions = [(resolve(session, a).id, resolve(session, b).id) for a, b in pairs]
    return Outcome(clusters, suggestions, reviewed, queued)


def _pairs(groups: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


def _joined(outcome: Outcome) -> list[str]:
    """Clusters with every suggestion accepted (union-find over contact ids)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in outcome.suggestions:
        parent[root(a)] = root(b)
    return [root(c) for c in outcome.clusters]


def report(samples: list[Sample], outcome: Outcome) -> dict[str, float]:
    persons = [s.person for s in samples]
    true_pairs = _pairs(Counter(persons))
    figures: dict[str, float] = {}
    for label, clusters in (("auto", outcome.clusters), ("auto+suggest", _joined(outcome))):
        found = _pairs(Counter(clusters))
        correct = _pairs(Counter(zip(clusters, persons)))
        figures[f"{label} precision"] = correct / found if found else 1.0
        figures[f"{label} recall"] = correct / true_pairs if true_pairs else 1.0
    figures["review share"] = outcome.reviewed / len(samples)
    figures["review share (queued)"] = outcome.queued / len(samples)
    families = {
        (min(a.person, b.person), max(a.person, b.person))
        for cluster in _members(outcome.clusters, samples).values()
        for a in cluster for b in cluster
        if a.household is not None and a.household == b.household and a.person != b.person
    }
    figures["family pairs auto-merged"] = len(families)
    return figures


def _members(clusters: list[str], samples: list[Sample]) -> dict[str, list[Sample]]:
    members: dict[str, list[Sample]] = {}
    for cluster, sample in zip(clusters, samples):
        members.setdefault(cluster, []).append(sample)
    return members


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """--seed, --people, --named-chats and --data: which leads a run replays (see samples())."""
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--named-chats", action="store_true",
                        help="the generator before its channel facts: chats named at capture, no profiles")
    parser.add_argument("--data", choices=("main", *OTHER_GENERATORS), default="main",
                        help="alt: benchmarks/dedupe_data_alt.py, the generator the model was not calibrated on; "
                             "third: benchmarks/dedupe_data_third.py, a third one written the same way; "
                             "fourth: benchmarks/dedupe_data_fourth.py, one written to catch wrong merges "
                             "(workplaces, sales collaborators, siblings' near-miss names)")


# --data: the generators written after the matcher, by people who had not read it (each module's
# generate(seed, people_count)).
OTHER_GENERATORS = {"alt": "dedupe_data_alt", "third": "dedupe_data_third", "fourth": "dedupe_data_fourth"}


def samples(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Sample]:
    if args.data in OTHER_GENERATORS:
        if args.named_chats:
            parser.error("--named-chats is an option of the main generator only")
        module = importlib.import_module(f"benchmarks.{OTHER_GENERATORS[args.data]}")
        return module.generate(args.seed, args.people)
    return generate(args.seed, args.people, named_chats=args.named_chats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--in-memory", action="store_true")
    parser.add_argument("--name-only-cuts", type=lambda text: [float(v) for v in text.split(",")],
                        help="comma-separated NAME_ONLY_AT values: one line of figures for each")
    args = parser.parse_args()
    leads = samples(parser, args)
    run = run_in_memory if args.in_memory else run_store
    mode = "in-memory (blocking_keys + decide)" if args.in_memory else "store (apply_lead, SQLite)"
    data = f" ({OTHER_GENERATORS[args.data]})" if args.data in OTHER_GENERATORS else ""
    print(f"{len(leads)} leads of {args.people} people{data}, seed {args.seed}, {mode}")
    if args.name_only_cuts:
        _sweep(leads, run, args.name_only_cuts)
        return
    for name, value in report(leads, run(leads)).items():
        print(f"  {name:26} {value:.4f}" if isinstance(value, float) else f"  {name:26} {value}")


def _sweep(samples: list[Sample], run: Callable[[list[Sample]], Outcome], cuts: list[float]) -> None:
    from hub.dedupe import weights

    print(f"  {'name-only cut':>13} {'auto+suggest recall':>20} {'precision':>10} {'review share':>13}")
    model = weights.NAME_ONLY_AT
    try:
        for cut in cuts:
            weights.NAME_ONLY_AT = cut  # read at decision time (decide.name_only_cut)
            figures = report(samples, run(samples))
            mark = " (the model's)" if cut == model else ""
            print(f"  {cut:13.1f} {figures['auto+suggest recall']:20.4f} "
                  f"{figures['auto+suggest precision']:10.4f} {figures['review share']:13.4f}{mark}")
    finally:
        weights.NAME_ONLY_AT = model


if __name__ == "__main__":
    main()
