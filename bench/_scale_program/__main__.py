"""The Pulumi program of bench/scale.py: $IMAGEOPS_BENCH_IMAGES images of $IMAGEOPS_BENCH_CLOUD, each
the smallest image the cloud makes from the emulator's seeded instance/VM (one name each)."""

from __future__ import annotations

import importlib
import os

cloud = os.environ["IMAGEOPS_BENCH_CLOUD"]
count = int(os.environ["IMAGEOPS_BENCH_IMAGES"])
prefix = os.environ.get("IMAGEOPS_BENCH_PREFIX", "bench-scale")
module = importlib.import_module(f"pulumi_images.{cloud}")


def fields(name: str) -> dict:
    if cloud == "oci":
        return {"compartment_id": os.environ["IMAGEOPS_OCI_COMPARTMENT_ID"],
                "instance_id": os.environ["IMAGEOPS_OCI_INSTANCE_ID"], "display_name": name}
    if cloud == "outscale":
        return {"image_name": name, "vm_id": os.environ["IMAGEOPS_OUTSCALE_VM_ID"], "no_reboot": True}
    return {"image_name": name, "instance_id": os.environ["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            "region": os.environ["IMAGEOPS_ALICLOUD_REGION"]}


# Module-level names: the harness (examples/pulumi/run_with_harness.py) waits for those resources.
for i in range(count):
    globals()[f"image_{i:03d}"] = module.Image(f"{prefix}-{i:03d}", **fields(f"{prefix}-{cloud}-{i:03d}"))
