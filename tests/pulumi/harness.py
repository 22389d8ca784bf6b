"""The engine-less Pulumi harness for tests (the implementation lives in :mod:`pulumi_images.harness`,
so ``examples/pulumi/run_with_harness.py`` can use it too)."""

from pulumi_images.harness import (
    UNKNOWN,
    CheckFailed,
    Engine,
    ProviderCallError,
    ProviderHarness,
    ResourceState,
    resource_urn,
)

__all__ = [
    "UNKNOWN",
    "CheckFailed",
    "Engine",
    "ProviderCallError",
    "ProviderHarness",
    "ResourceState",
    "resource_urn",
]
