"""The embedded emulator: a local server speaking each cloud's real wire protocol for images.

``imageops emulator serve`` runs it (see :mod:`imageops.cli`); tests use
:func:`imageops.emulator.testing.running_emulator`. The generic machinery (state, call log, faults,
lifecycle clock, app factory) is in :mod:`imageops.emulator.core`, one module per cloud beside it.
"""

from imageops.emulator.core import CallLog, CloudPlugin, Emulator, FaultInjector, StateStore, make_app
from imageops.emulator.server import NotLoopbackError, ServeOptions, check_loopback, default_plugins, serve

__all__ = [
    "CallLog",
    "CloudPlugin",
    "Emulator",
    "FaultInjector",
    "NotLoopbackError",
    "ServeOptions",
    "StateStore",
    "check_loopback",
    "default_plugins",
    "make_app",
    "serve",
]
