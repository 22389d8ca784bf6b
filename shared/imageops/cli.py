"""The ``imageops`` command line (console script ``imageops = imageops.cli:main``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from imageops import cli_wait


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imageops", description="Idempotent cloud machine images.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    emulator = commands.add_parser("emulator", help="the local cloud emulator")
    actions = emulator.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    serve = actions.add_parser(
        "serve",
        help="serve the emulated clouds on loopback ports",
        description="Serve the emulated clouds, one loopback port each. When ready, write KEY=VALUE "
        "lines (endpoints, demo account ids, credential file paths) to --env-file and stdout.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=0,
        help="port of the first cloud, the next clouds use the following ports; 0 = any free",
    )
    serve.add_argument("--env-file", type=Path, help="where to write the KEY=VALUE lines (atomically)")
    serve.add_argument("--state-file", type=Path, help="JSON state, loaded at start and saved on each change")
    serve.add_argument(
        "--data-dir",
        type=Path,
        help="where demo credentials go (default: beside the state file, else a temp dir removed on exit)",
    )
    serve.add_argument(
        "--time-scale",
        type=_non_negative_float,
        default=0.01,
        help="multiplier of the real services' durations (default 0.01)",
    )
    serve.add_argument(
        "--fault-rate",
        type=_rate,
        default=0.0,
        help="fraction of requests that fail with 429/500/503 or a dropped connection",
    )
    serve.add_argument("--seed", type=int, default=0, help="seed of the fault injection")
    serve.add_argument(
        "--slow-response",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="with --fault-rate, also answer some requests (after doing their work, writes "
        "included) only SECONDS later: set it past the client's timeout "
        "(IMAGEOPS_HTTP_TIMEOUT) to emulate answers that never come in time",
    )
    serve.add_argument(
        "--clock-offset",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="run the emulated clouds' clock SECONDS ahead of this host's (negative: behind), "
        "so signed requests look stale, as from a client with a skewed clock (default 0)",
    )
    serve.add_argument(
        "--latency",
        type=_non_negative_float,
        default=0.0,
        help="seconds added to every API call, as a real service's round trip (default 0)",
    )
    serve.add_argument(
        "--region", default="us-ashburn-1", help="the emulated OCI region (default us-ashburn-1)"
    )
    serve.add_argument(
        "--list-lag",
        type=_non_negative_float,
        default=0.0,
        metavar="SECONDS",
        help="new images show in list and describe calls only SECONDS after they were created (a get "
        "by id sees them at once), as the real clouds' eventually consistent listings (default 0)",
    )
    serve.add_argument(
        "--proxy",
        action="store_true",
        help="also listen as an HTTP(S) forward proxy answering the clouds' real hostnames (with a "
        "generated CA); the env file then sets HTTPS_PROXY, HTTP_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE "
        "and SSL_CERT_FILE. Other hosts are refused, never forwarded",
    )
    serve.add_argument(
        "--proxy-port", type=int, default=0, help="port of the proxy with --proxy; 0 = any free (default)"
    )
    cli_wait.add_parser(commands)
    return parser


EMULATOR_EXTRA = "pip install 'imageops[emulator]'"
"""How to install what the emulator needs (starlette, uvicorn): an extra, so a production install of
the core stays small."""


def _serve(args: argparse.Namespace) -> int:
    try:
        from imageops.emulator.server import NotLoopbackError, ServeOptions, check_loopback, serve
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in ("starlette", "uvicorn"):
            raise
        print(
            f"imageops emulator serve: error: the emulator needs {missing}: {EMULATOR_EXTRA}", file=sys.stderr
        )
        return 2

    try:
        check_loopback(args.host)
    except NotLoopbackError as exc:
        print(f"imageops emulator serve: error: {exc}", file=sys.stderr)
        return 2
    options = ServeOptions(
        host=args.host,
        port=args.port,
        env_file=args.env_file,
        state_file=args.state_file,
        data_dir=args.data_dir,
        time_scale=args.time_scale,
        fault_rate=args.fault_rate,
        seed=args.seed,
        region=args.region,
        latency=args.latency,
        slow_response=args.slow_response,
        clock_offset=args.clock_offset,
        list_lag=args.list_lag,
        proxy=args.proxy,
        proxy_port=args.proxy_port,
    )
    try:
        serve(options)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"imageops emulator serve: error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "emulator" and args.action == "serve":
        return _serve(args)
    if args.command == "image" and args.action == "wait":
        return cli_wait.run(args)
    return 2  # pragma: no cover - argparse enforces the sub-commands


if __name__ == "__main__":
    sys.exit(main())
