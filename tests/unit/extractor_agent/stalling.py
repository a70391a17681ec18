"""An extraction that never ends for some articles, run in real extraction processes
(importable by them, which a function inside a test module is not)."""

from __future__ import annotations

import time

from services.extractor.handling import Extracted, Job, extract_jobs

STALL = "STALL"


def extract_unless_stalled(jobs: list[Job]) -> list[Extracted]:
    if any(STALL in text for text, _ in jobs):
        time.sleep(3600)  # as a pathological text in extract() would
    return extract_jobs(jobs)
