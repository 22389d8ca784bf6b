"""The neutral image model every driver maps its cloud's image to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ImageState(StrEnum):
    """Lifecycle state, normalised across clouds. The cloud's own word is kept in ``raw_state``."""

    PENDING = "pending"
    AVAILABLE = "available"
    FAILED = "failed"
    DELETED = "deleted"


class Image(BaseModel):
    """One machine image as observed in a cloud.

    ``attributes`` holds every attribute the cloud's Terraform resource exports, under the seed's
    snake_case names (for OCI: ``base_image_id``, ``launch_options``, ``size_in_mbs``...), so the
    Pulumi outputs and the Ansible ``image`` return value are both just ``attributes``.
    """

    model_config = ConfigDict(frozen=True)

    cloud: str
    id: str
    name: str | None = None
    state: ImageState
    raw_state: str
    region: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    created: datetime | None = None
    size_mb: int | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_live(self) -> bool:
        """True unless the image is deleted: deleted images never satisfy a lookup."""
        return self.state is not ImageState.DELETED
