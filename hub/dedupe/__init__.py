"""Matching: blocking keys, scoring and decisions. Pure: no Flask, database or Redis imports."""
from hub.dedupe.decide import decide
from hub.dedupe.keys import blocking_keys, strong_keys

__all__ = ["blocking_keys", "decide", "strong_keys"]
