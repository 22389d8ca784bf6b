"""ECS DescribeImages ``Status`` and ``ImageOwnerAlias`` as the ECS API reference describes them
(``alibabacloud_ecs20140526`` DescribeImagesRequest): ``ALL`` alone means every status, a value
outside the list is refused, an empty owner alias lists ``system``, ``self`` and ``others``; ECS's
public images are there in every region."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imageops.emulator.alicloud_seed import REGIONS, SYSTEM_IMAGES
from imageops.emulator.testing import InProcessEmulator

from .conftest import AsgiClient
from .test_alicloud_emulator import call, signer


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[AsgiClient, dict[str, str]]]:
    emu = InProcessEmulator(tmp_path, time_scale=1.0)  # a new image stays Creating for the test
    client = AsgiClient(emu.app("alicloud"), "http://ecs.test")
    yield client, emu.env
    client.close()


def describe(client: AsgiClient, env: dict[str, str], **params: Any) -> Any:
    return call(
        client,
        signer(env),
        "DescribeImages",
        RegionId=params.pop("RegionId", env["IMAGEOPS_ALICLOUD_REGION"]),
        PageSize="100",
        **params,
    )


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {i["ImageId"] for i in response.json()["Images"]["Image"]}


def test_status_all_lists_an_image_still_being_created(world):
    client, env = world
    made = call(
        client,
        signer(env),
        "CreateImage",
        RegionId=env["IMAGEOPS_ALICLOUD_REGION"],
        InstanceId=env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
        ImageName="waited-for",
    ).json()["ImageId"]
    assert made not in ids(describe(client, env, ImageOwnerAlias="self"))  # default: Available only
    assert made in ids(describe(client, env, ImageOwnerAlias="self", Status="ALL"))
    assert made in ids(describe(client, env, ImageOwnerAlias="self", Status="Waiting,Creating"))


@pytest.mark.parametrize("status", ["ALL,Available", "Pending", "available"])
def test_a_status_outside_the_list_is_refused_naming_it(world, status):
    client, env = world
    response = describe(client, env, Status=status)
    assert response.status_code == 400
    assert response.json()["Code"] == "InvalidParameter" and "Status" in response.json()["Message"]


@pytest.mark.parametrize("region", [REGIONS[0], REGIONS[-1]])
def test_system_images_in_every_region_by_owner_alias(world, region):
    client, env = world
    system = {image_id for image_id, *_ in SYSTEM_IMAGES}
    assert ids(describe(client, env, RegionId=region, ImageOwnerAlias="system")) == system
    assert not ids(describe(client, env, RegionId=region, ImageOwnerAlias="self")) & system
    assert system <= ids(describe(client, env, RegionId=region))  # empty alias: system, self, others
    one = describe(client, env, RegionId=region, ImageOwnerAlias="system", ImageId=SYSTEM_IMAGES[0][0])
    (image,) = one.json()["Images"]["Image"]
    assert image["ImageOwnerAlias"] == "system" and image["Status"] == "Available"


def test_a_system_image_cannot_be_changed_or_deleted(world):
    client, env = world
    image_id = SYSTEM_IMAGES[0][0]
    for action, extra in (("DeleteImage", {}), ("ModifyImageAttribute", {"Description": "mine now"})):
        response = call(
            client, signer(env), action, RegionId=env["IMAGEOPS_ALICLOUD_REGION"], ImageId=image_id, **extra
        )
        assert response.status_code == 404 and response.json()["Code"] == "InvalidImageId.NotFound"


def test_an_unknown_owner_alias_is_refused(world):
    client, env = world
    response = describe(client, env, ImageOwnerAlias="mine")
    assert response.status_code == 400 and "ImageOwnerAlias" in response.json()["Message"]
