"""imageops: one provider core for cloud machine images.

Layers, each knowing only the one below: transport (:mod:`imageops.transport`), auth (per cloud),
cloud APIs (per cloud), drivers (per cloud, one protocol: :mod:`imageops.driver`), and the specs and
reconciler shared by every cloud (:mod:`imageops.spec`, :mod:`imageops.reconcile`).
"""

from imageops.errors import (
    AmbiguousImageError,
    AuthError,
    CloudError,
    ConfigError,
    ConflictError,
    ImageOpsError,
    NotFoundError,
    SpecError,
    ThrottledError,
    TransportError,
    ValidationError,
    WaitTimeoutError,
)
from imageops.model import Image, ImageState

__version__ = "0.1.0"

__all__ = [
    "AmbiguousImageError",
    "AuthError",
    "CloudError",
    "ConfigError",
    "ConflictError",
    "Image",
    "ImageOpsError",
    "ImageState",
    "NotFoundError",
    "SpecError",
    "ThrottledError",
    "TransportError",
    "ValidationError",
    "WaitTimeoutError",
    "__version__",
]
