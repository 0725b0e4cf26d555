"""Every ACC endpoint of the reference, once, by key: the registry tools and sandbox name endpoints from.

The rows are generated from the reference catalog (`_endpoint_table.py`, by scripts/gen_endpoints.py); what a
row holds is `_endpoint.Endpoint`. Data Management's hubs list is added here by hand: it is not in the ACC
reference, but it is where an account id is found when none is configured.
"""

from __future__ import annotations

from ._endpoint import Endpoint, Paging
from ._endpoint_table import ENDPOINTS

__all__ = ["BY_KEY", "ENDPOINTS", "EXTRA", "Endpoint", "Paging", "endpoint"]

EXTRA: tuple[Endpoint, ...] = (
    # Data Management (openapi/datamanagement.yaml).
    Endpoint("dm.hubs.list", "GET", "/project/v1/hubs"),
)
BY_KEY: dict[str, Endpoint] = {e.key: e for e in (*ENDPOINTS, *EXTRA)}


def endpoint(key: str) -> Endpoint:
    """The endpoint with this key (a KeyError names a typo at import time, where specs are declared)."""
    return BY_KEY[key]
