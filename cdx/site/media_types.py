"""Content types of what the site and its packages hold (S3 website endpoints serve these)."""

from __future__ import annotations

import mimetypes

KNOWN = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".csv": "text/csv; charset=utf-8",
    ".sig": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ttl": "text/turtle; charset=utf-8",
    ".rdf": "application/rdf+xml",
    ".parquet": "application/vnd.apache.parquet",
}


def media_type(path: str) -> str:
    """The Content-Type a browser needs to show or download `path`."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix in KNOWN:
        return KNOWN[suffix]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"
