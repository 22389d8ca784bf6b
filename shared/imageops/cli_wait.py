"""``imageops image wait ID --cloud C``: wait for an image, showing its progress.

Credentials, region and endpoint are found as the cloud's own CLI finds them (the core's
``connect``), or from ``--region``/``--profile``/``--endpoint``. On a terminal with ``rich``
installed (the ``cli`` extra) a progress bar shows the state, the percent where the cloud reports
one, and the elapsed time; otherwise one plain line per state change goes to stderr. The final
state is printed to stdout as ``ID STATE``.

Exit codes: 0 the image reached the state; 1 it failed, or the cloud refused (auth, not found...);
3 timeout (the image is still on its way); 2 usage errors (argparse).
"""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from typing import Any, TextIO

from imageops import registry
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT = 0, 1, 2, 3


def add_parser(commands: Any) -> None:
    image = commands.add_parser("image", help="work with one image")
    actions = image.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    wait = actions.add_parser(
        "wait",
        help="wait until an image is available (or deleted), showing progress",
        description="Poll an image until it reaches a state, with a progress bar (rich) or one line per "
        "state change. Exit 0 when reached, 1 when the image failed or the cloud refused, 3 on timeout.",
    )
    wait.add_argument("image_id", metavar="ID", help="the image's id (OCID, ami-..., m-...)")
    wait.add_argument("--cloud", required=True, choices=registry.clouds())
    wait.add_argument("--region", help="the image's region (default: as the cloud's CLI finds it)")
    wait.add_argument("--profile", help="the profile of the cloud CLI's config file")
    wait.add_argument(
        "--endpoint", help="the API endpoint (default: the region's, or IMAGEOPS_<CLOUD>_ENDPOINT)"
    )
    wait.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_WAIT_TIMEOUT,
        help=f"seconds (default {DEFAULT_WAIT_TIMEOUT:g})",
    )
    wait.add_argument(
        "--until", choices=("available", "deleted"), default="available", help="the state to wait for"
    )
    wait.add_argument("--plain", action="store_true", help="plain lines even on a terminal")


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


class PlainDisplay:
    """One line per state change (or new percent), for logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __enter__(self) -> PlainDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, event: Any) -> None:
        print(event.line(), file=self.stream, flush=True)


class RichDisplay:
    """A rich progress bar: the state word, percent (where the cloud reports it), elapsed time."""

    def __init__(self, stream: TextIO, image_id: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self.task = self.progress.add_task(image_id, total=100)
        self.image_id = image_id

    def __enter__(self) -> RichDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, event: Any) -> None:
        update: dict[str, Any] = {"description": f"{self.image_id} {event.state}"}
        if event.percent is not None:
            update["completed"] = event.percent
        self.progress.update(self.task, **update)
        self.progress.console.log(event.line())


def display_for(stream: TextIO, image_id: str, plain: bool) -> PlainDisplay | RichDisplay:
    """A progress bar on a terminal with rich installed; plain lines otherwise."""
    if not plain and stream.isatty():
        try:
            return RichDisplay(stream, image_id)
        except ImportError:
            pass
    return PlainDisplay(stream)


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from imageops import registry
    from imageops.errors import CloudError, ImageOpsError, WaitTimeoutError
    from imageops.model import ImageState
    from imageops.progress import ProgressTracker
    from imageops.redact import redact

    out, err = out or sys.stdout, err or sys.stderr
    settings = {"region": args.region, "profile": args.profile, "endpoint": args.endpoint}
    wanted = ImageState(args.until)
    try:
        driver = registry.connect(args.cloud, **{k: v for k, v in settings.items() if v is not None})
    except ImageOpsError as exc:
        print(f"imageops image wait: error: {redact(exc)}", file=err)
        return EXIT_FAILED
    try:
        with closing(driver), display_for(err, args.image_id, args.plain) as display:
            tracker = ProgressTracker(display, region=args.region)
            image = driver.wait_for(args.image_id, wanted, args.timeout, tracker)
    except WaitTimeoutError as exc:
        print(f"imageops image wait: timeout: {redact(exc)}", file=err)
        print(f"{args.image_id} {exc.last_state}", file=out)
        return EXIT_TIMEOUT
    except (CloudError, ImageOpsError) as exc:
        print(f"imageops image wait: error: {redact(exc)}", file=err)
        return EXIT_FAILED
    print(f"{image.id} {image.raw_state}", file=out)
    return EXIT_OK
