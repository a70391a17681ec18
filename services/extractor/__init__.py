"""Parley's extraction engine: one news article in, diplomatic event records out.

`extract(text, published)` is a pure function; the reference data it needs is
loaded once on first use.
"""

from __future__ import annotations

from .extract import EXTRACTOR_VERSION, extract

__all__ = ["EXTRACTOR_VERSION", "extract"]
