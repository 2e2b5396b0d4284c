"""Memory stays steady under a steady load (issue #9): a short soak of the production stack
(gunicorn ingest, two `hub worker`s, PostgreSQL, Redis). The hour-long run is
`benchmarks/soak.py --minutes 60`, by hand; this one catches a leak of a few kilobytes a request."""
from __future__ import annotations

import pytest

from benchmarks.soak import soak

GROWTH_LIMIT_MB = 8  # after warm-up (~1,400 POSTs): a leak of ~6 KB a request fails; seen: +0.3 and +2 MB


@pytest.mark.slow
def test_memory_stays_steady_and_every_lead_is_processed_under_a_steady_load():
    result = soak(minutes=1.5, rate=20, sample_seconds=5, ingest_workers=2, workers=2, show=False)
    assert result.sent > 1000 and result.ok == result.sent, (result.sent, result.ok)
    assert result.processed == result.ok, result.statuses
    grown = {role: round(end - start, 1) for role, (start, end) in result.growth().items()}
    assert all(mb < GROWTH_LIMIT_MB for mb in grown.values()), grown
