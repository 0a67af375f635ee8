"""Catalogue credentials from Prefect blocks: what scheduled runs on a worker use.

A steward stores the secrets once on the Prefect server (UI, or `cdx` docs' snippet);
each catalogue backend knows its own blocks (connectors/<backend>/backend.py), e.g.
- CKAN: a `Secret` block holding the API token (default name `cdx-ckan-token`,
  CDX_BLOCK_CKAN_TOKEN);
- S3: a prefect-aws `AwsCredentials` (or `MinIOCredentials`) block (default name
  `cdx-s3`, CDX_BLOCK_S3): keys or profile, region, endpoint in `aws_client_parameters`.

A block that does not exist falls back to the environment (CDX_CKAN_TOKEN, boto3's
chain), so a laptop without a Prefect server keeps working; the log says which source
was used, never the secret. Nothing secret is a flow parameter or sits in coalition.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdx.connectors.catalogue import CredentialSet
from cdx.connectors.registry import backends_for


def credentials_from_blocks(
    locations: Iterable[str], block_names: Mapping[str, str] | None = None
) -> CredentialSet:
    """What the catalogues at `locations` need, from Prefect blocks; the rest stays unset.

    The registry names each location's backend, and only those backends read their
    blocks: a local-only publish reads none. `block_names` overrides a backend's block
    name by backend name (e.g. {"s3": "other-block"}).
    """
    names = block_names or {}
    found = {}
    for backend in backends_for(locations):
        credentials = backend.credentials_from_blocks(names.get(backend.name))
        if credentials is not None:
            found[backend.name] = credentials
    return CredentialSet(found)
