"""Dedupe accuracy on generated Vietnamese leads with known truth.

    python benchmarks/dedupe_accuracy.py [--seed N] [--people N] [--in-memory]

Default: the real store path (a temp SQLite database, migrated; apply_lead per lead in its own
transaction), then the final clusters (leads.contact_id, following contacts.merged_into) and the
open merge_suggestions are read back. --in-memory: the store simulated with blocking_keys and
decide() (benchmarks/dedupe_memory.py), to measure the scoring whatever the store's candidate fetch does.
Prints pairwise precision / recall of auto-merges, recall of auto-merges + suggestions, the share
of leads sent to review (leads whose decision put a pair not already known into the review queue,
whether the lead got a new contact or merged) and the auto-merged family-member pairs (targets
in the issue #4 notes).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_data import Sample, generate  # noqa: E402
from hub.dedupe import decide  # noqa: E402
from benchmarks.dedupe_memory import MemoryContacts  # noqa: E402
from hub.normalize import normalize  # noqa: E402


@dataclass(frozen=True)
class Outcome:
    clusters: list[str]  # per lead, the contact it ended on (after merges)
    suggestions: list[tuple[str, str]]  # contact pairs sent to review
    reviewed: int  # leads whose decision put a pair not already known into the review queue


def run_in_memory(samples: list[Sample]) -> Outcome:
    memory = MemoryContacts()
    clusters, suggestions, reviewed = [], [], 0
    known: set[frozenset[str]] = set()
    for i, sample in enumerate(samples):
        lead = normalize(sample.draft)
        decision = decide(lead, memory.candidates(lead))
        contact_id = memory.apply(decision, lead, f"c{i}")
        clusters.append(contact_id)
        # As the store's add_suggestions: a pair already queued (either way round) is not queued again.
        new = {frozenset((contact_id, s.contact_id)) for s in decision.suggestions if s.contact_id != contact_id} - known
        known |= new
        suggestions += [tuple(pair) for pair in new]
        reviewed += bool(new)
    resolve = memory.resolve
    return Outcome([resolve(c) for c in clusters], [(resolve(a), resolve(b)) for a, b in suggestions], reviewed)


def run_store(samples: list[Sample]) -> Outcome:
    from sqlalchemy import func, select

    from hub.store import Store
    from hub.store.migrate import upgrade
    from hub.store.repository import apply_lead, resolve
    from hub.store.schema import LeadRow, MergeSuggestionRow

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        store = Store(url)
        reviewed = 0
        for sample in samples:
            with store.transaction() as session:
                before = session.execute(select(func.count()).select_from(MergeSuggestionRow)).scalar_one()
                apply_lead(session, normalize(sample.draft), None)
                session.flush()
                after = session.execute(select(func.count()).select_from(MergeSuggestionRow)).scalar_one()
                reviewed += after > before
        with store.transaction() as session:
            refs = {(s.draft.channel, s.draft.source_ref): i for i, s in enumerate(samples)}
            clusters = [""] * len(samples)
            for row in session.execute(select(LeadRow)).scalars():
                clusters[refs[(row.channel, row.source_ref)]] = resolve(session, row.contact_id).id
            pairs = session.execute(
                select(MergeSuggestionRow.contact_id, MergeSuggestionRow.candidate_id)
                .where(MergeSuggestionRow.status == "open")
            ).all()
            suggestions = [(resolve(session, a).id, resolve(session, b).id) for a, b in pairs]
        store.dispose()
    return Outcome(clusters, suggestions, reviewed)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--in-memory", action="store_true")
    args = parser.parse_args()
    samples = generate(args.seed, args.people)
    outcome = run_in_memory(samples) if args.in_memory else run_store(samples)
    mode = "in-memory (blocking_keys + decide)" if args.in_memory else "store (apply_lead, SQLite)"
    print(f"{len(samples)} leads of {args.people} people, seed {args.seed}, {mode}")
    for name, value in report(samples, outcome).items():
        print(f"  {name:26} {value:.4f}" if isinstance(value, float) else f"  {name:26} {value}")


if __name__ == "__main__":
    main()
