"""Reading a Prefect block by name, for backends that load their secrets from blocks.

The block type is passed in, so nothing here imports Prefect: each backend imports its
own block classes inside its `credentials_from_blocks`, when a flow asks for them.
"""

from __future__ import annotations

from typing import Any


def load_block(block_type: Any, name: str) -> Any | None:
    """The block, or None when no block of that name exists on the server."""
    try:
        return block_type.load(name)
    except ValueError as e:  # Prefect: "Unable to find block document named …"
        if "Unable to find" in str(e):
            return None
        raise
