"""Time-ordered identifiers (UUIDv7 layout), so ids sort by creation and index well."""
from __future__ import annotations

import os
import time


def uuid7() -> str:
    """A UUIDv7 string: 48-bit Unix milliseconds, then random bits (RFC 9562)."""
    millis = time.time_ns() // 1_000_000
    value = (millis & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    text = f"{value:032x}"  # as str(uuid.UUID(int=value)) writes it, at half the cost
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
