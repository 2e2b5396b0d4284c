"""CPU time of decide() alone, on generated leads with the candidate lists blocking finds.

    python benchmarks/dedupe_cpu.py [--people 6000] [--seed 5] [--repeat 3]

Replays leads of `dedupe_data.py` against the in-memory store (dedupe_memory.py) and records
each lead with its candidates; then times decide() over the recorded pairs with
time.process_time (CPU, not wall clock: the machine is shared). Prints the mean candidates per
lead and the CPU microseconds per decision (best of --repeat runs).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_data import generate  # noqa: E402
from benchmarks.dedupe_memory import MemoryContacts  # noqa: E402
from hub.dedupe import decide  # noqa: E402
from hub.model import Contact, Lead  # noqa: E402
from hub.normalize import normalize  # noqa: E402


def recorded(seed: int, people: int) -> list[tuple[Lead, list[Contact]]]:
    """(lead, candidates) for every generated lead, each lead then joining its decided contact."""
    memory = MemoryContacts()
    pairs = []
    for i, sample in enumerate(generate(seed, people)):
        lead = normalize(sample.draft)
        candidates = memory.candidates(lead)
        decision = decide(lead, candidates)
        pairs.append((lead, candidates))
        memory.apply(decision, lead, f"c{i}")
    return pairs


def cpu_per_decision(pairs: list[tuple[Lead, list[Contact]]]) -> float:
    """CPU seconds per decide() call over the recorded pairs."""
    started = time.process_time()
    for lead, candidates in pairs:
        decide(lead, candidates)
    return (time.process_time() - started) / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pairs = recorded(args.seed, args.people)
    sizes = [len(c) for _, c in pairs]
    best = min(cpu_per_decision(pairs) for _ in range(args.repeat))
    print(f"{len(pairs)} decisions, candidates per lead: mean {statistics.mean(sizes):.1f}, "
          f"max {max(sizes)}; decide() CPU {best * 1e6:.0f} us per decision (best of {args.repeat})")


if __name__ == "__main__":
    main()
