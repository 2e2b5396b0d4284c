"""Matching: blocking keys, scoring and decisions. Pure: no Flask, database or Redis imports."""
from hub.dedupe.decide import decide
from hub.dedupe.keys import strong_keys

__all__ = ["decide", "strong_keys"]
