"""The toy cloud's driver, over a JSON file that plays the cloud."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imageops.errors import AmbiguousImageError
from imageops.model import Image, ImageState
from imageops.spec import ImageSpec
from imageops.toy.spec import ToyImageSpec

STATES = {"available": ImageState.AVAILABLE, "deleted": ImageState.DELETED}


def normalise_state(raw: str) -> ImageState:
    return STATES.get(raw, ImageState.PENDING)


class ToyDriver:
    cloud = "toy"
    spec_type: type[ImageSpec] = ToyImageSpec

    def __init__(self, path: str | os.PathLike[str], *, region: str) -> None:
        self.path = Path(path)
        self.region = region

    def _load(self) -> dict[str, Any]:
        return json.loads(self.path.read_text()) if self.path.exists() else {"images": {}, "calls": []}

    def _save(self, data: dict[str, Any]) -> None:
        self.path.write_text(json.dumps(data, indent=1, sort_keys=True))

    def _call(self, kind: str) -> dict[str, Any]:
        data = self._load()
        data["calls"].append(kind)
        self._save(data)
        return data

    def _image(self, item: dict[str, Any]) -> Image:
        return Image(
            cloud="toy",
            id=item["id"],
            name=item.get("name"),
            region=self.region,
            state=normalise_state(item["state"]),
            raw_state=item["state"],
            tags=dict(item.get("tags") or {}),
            attributes=dict(item),
        )

    def get(self, image_id: str) -> Image | None:
        item = self._call("read")["images"].get(image_id)
        return self._image(item) if item else None

    def find(self, spec: ImageSpec) -> Image | None:
        found = self.list(spec)
        if len(found) > 1:
            raise AmbiguousImageError(spec.describe_key(), [i.id for i in found])
        return found[0] if found else None

    def list(self, spec: ImageSpec, **_filters: Any) -> list[Image]:
        name = getattr(spec, "name", None)
        items = self._call("read")["images"].values()
        return [
            self._image(i) for i in items if i["state"] != "deleted" and (name is None or i["name"] == name)
        ]

    def create(self, spec: ImageSpec, **_options: Any) -> Image:
        data = self._call("write")
        image_id = f"toy-{len(data['images']) + 1}"
        given = spec.given()
        item = {"id": image_id, "state": "available", "tags": {}, "description": "", **given}
        item.pop("machine_id", None)  # like a real cloud: the source is not reported back
        data["images"][image_id] = item
        self._save(data)
        return self._image(item)

    def update(self, image: Image, spec: ImageSpec, values: dict[str, Any], **_options: Any) -> Image:
        data = self._call("write")
        data["images"][image.id].update(values)
        self._save(data)
        return self._image(data["images"][image.id])

    def delete(self, image_id: str, **_options: Any) -> None:
        data = self._call("write")
        if image_id in data["images"]:
            data["images"][image_id]["state"] = "deleted"
        self._save(data)

    def wait_for(
        self,
        image_id: str,
        wanted: ImageState,
        timeout: float,
        on_progress: Callable[[Image], None] | None = None,
    ) -> Image | None:
        image = self.get(image_id)
        if wanted is ImageState.DELETED:
            return None
        return image

    def close(self) -> None:
        return None
