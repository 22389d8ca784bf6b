"""Oracle Cloud Infrastructure: spec, auth, API and driver for custom images."""

from imageops.oci.spec import ImageSourceDetails, LaunchOptions, OciImageSpec

SPEC = OciImageSpec

__all__ = ["SPEC", "ImageSourceDetails", "LaunchOptions", "OciImageSpec"]
