"""The toy cloud's desired state."""

from __future__ import annotations

from typing import Any, ClassVar

from imageops.model import Image
from imageops.spec import ImageSpec, create_only, in_place, replace


class ToyImageSpec(ImageSpec):
    """A toy image: a name, a description, tags, built from a machine."""

    cloud = "toy"
    tag_fields = ("tags",)
    source_fields: ClassVar[tuple[str, ...]] = ("machine_id",)

    name: str | None = in_place(description="The image's name; the idempotency key.", doc="The name.")
    machine_id: str | None = create_only(description="The machine to build from.", doc="The machine.")
    flavour: str | None = replace(description="The flavour, fixed at creation.", doc="The flavour.")
    description: str | None = in_place(description="A description.", doc="A description.")
    tags: dict[str, str] | None = in_place(description="Tags.", doc="Tags as a map.")

    def cross_field_errors(self) -> list[tuple[str, str]]:
        return [] if self.machine_id else [("machine_id", "is required to create an image")]

    def lookup_key(self) -> dict[str, str] | None:
        return None if self.name is None else {"name": self.name}

    def describe_key(self) -> str:
        return f"name {self.name!r}"

    def observe(self, image: Image) -> dict[str, Any]:
        attrs = image.attributes
        return {
            "name": attrs.get("name"),
            "flavour": attrs.get("flavour"),
            "description": attrs.get("description"),
            "tags": attrs.get("tags") or {},
        }
