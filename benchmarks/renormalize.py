"""`hub contacts renormalize` on a store of generated leads: leads per second.

Run from the repository root:
    python benchmarks/renormalize.py [--people 3000] [--seed 1] [--batch 200]

Fills a temp SQLite store with the leads of benchmarks/dedupe_data.py (apply_lead, one
transaction each, as the worker does) with the normalizer as it was before it read names typed
in Telex / VNI and numbers spelt in words, a tenth of the names retyped in Telex and a tenth of
the chat messages with their number spelt in words (what such a store holds after an upgrade).
Then times two runs: the first reads every lead again and applies what changed (new readings,
renamed contacts, phones added, re-matches); the second finds nothing to change (the pass over
a store already read: the cost of reading every lead). Prints leads per second for each, what
the first changed, and the contacts' pairwise precision / recall against the generator's truth
before, after, and for the same leads stored by this version from the start.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import unicodedata
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import hub.normalize.extract as extract  # noqa: E402
import hub.normalize.name as name_module  # noqa: E402
import hub.normalize.phone as phone_module  # noqa: E402
from benchmarks.dedupe_accuracy import report, stored_outcome  # noqa: E402
from benchmarks.dedupe_data import Sample, generate  # noqa: E402
from hub.model import LeadDraft  # noqa: E402
from hub.normalize._telex import _MARKS, _TONE_KEYS  # noqa: E402
from hub.normalize import normalize  # noqa: E402
from hub.store import Store  # noqa: E402
from hub.store.migrate import upgrade  # noqa: E402
from hub.store.renormalize import renormalize  # noqa: E402
from hub.store.repository import apply_lead  # noqa: E402

# The keys the Telex reader reads back (hub.normalize._telex), the other way round.
TELEX = {letter: keys for keys, letter in _MARKS.items()} | {"đ": "dd"}
TONES = {mark: key for key, mark in _TONE_KEYS.items()}
WORDS = "không một hai ba bốn năm sáu bảy tám chín".split()


def telex(text: str) -> str:
    """The name as typed with the Vietnamese input method off: "Nguyễn" -> "Nguyeenx"."""
    words = []
    for word in text.split():
        tone, letters = "", []
        for char in unicodedata.normalize("NFD", word):
            if char in TONES:
                tone = TONES[char]
            else:
                letters.append(char)
        base = unicodedata.normalize("NFC", "".join(letters))
        typed = "".join(_key(c) for c in base)
        words.append(typed + tone)
    return " ".join(words)


def _key(char: str) -> str:
    """The keys typed for one letter: "ê" -> "ee", "Đ" -> "Dd"."""
    keys = TELEX.get(char.lower())
    if keys is None:
        return char
    return keys[0].upper() + keys[1:] if char.isupper() else keys


def aged(draft: LeadDraft, rng: random.Random) -> LeadDraft:
    """A tenth of names in Telex, a tenth of messages with their number spelt in words."""
    if draft.name and rng.random() < 0.1:
        draft = replace(draft, name=telex(draft.name))
    if draft.text and rng.random() < 0.1:
        for phone in normalize(draft).phones:
            digits = "0" + phone.e164[3:]
            draft = replace(draft, text=draft.text.replace(phone.raw, " ".join(WORDS[int(d)] for d in digits)))
    return draft


def _figures(store: Store, samples: list[Sample]) -> str:
    """Pairwise precision and recall of the store's contacts against the generator's truth."""
    figures = report(samples, stored_outcome(store, samples))
    return (f"auto-merge precision {figures['auto precision']:.4f}, recall {figures['auto recall']:.4f}, "
            f"with suggestions {figures['auto+suggest recall']:.4f}, "
            f"family pairs merged {figures['family pairs auto-merged']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    samples = generate(args.seed, args.people, named_chats=True)
    samples = [replace(sample, draft=aged(sample.draft, rng)) for sample in samples]
    drafts = [sample.draft for sample in samples]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        store = Store(url)
        old = (name_module.untelex, extract.spell_digits, phone_module.spell_digits)
        name_module.untelex = extract.spell_digits = phone_module.spell_digits = lambda text: text  # type: ignore[assignment]
        name_module.normalize_name.cache_clear()
        for draft in drafts:
            with store.transaction() as session:
                apply_lead(session, normalize(draft), None)
        name_module.untelex, extract.spell_digits, phone_module.spell_digits = old
        name_module.normalize_name.cache_clear()
        print(f"{len(drafts)} leads of {args.people} people stored by the old reader (SQLite)")
        print(f"  before: {_figures(store, samples)}")
        for label in ("first run (applies the new readings)", "second run (nothing to change)"):
            started = time.perf_counter()
            result = renormalize(store, batch=args.batch)
            seconds = time.perf_counter() - started
            print(f"  {label}: {result.leads / seconds:,.0f} leads/s ({seconds:.1f} s); "
                  f"{result.changed} changed, {result.renamed} contacts renamed, {result.points} points added, "
                  f"{result.merged} merged, {result.suggested} suggestions")
            print(f"  after: {_figures(store, samples)}")
        store.dispose()
        # For reference: the same leads stored by this version from the start.
        url = f"sqlite:///{folder}/reference.db"
        upgrade(url)
        store = Store(url)
        for draft in drafts:
            with store.transaction() as session:
                apply_lead(session, normalize(draft), None)
        print(f"  stored by this version from the start: {_figures(store, samples)}")
        store.dispose()


if __name__ == "__main__":
    main()
