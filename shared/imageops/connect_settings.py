"""Connection settings declared once per cloud, as a ``TypedDict`` that both the cloud's loader and its
``connect`` take as ``**settings: Unpack[...]``, so their keyword lists cannot drift apart.

A ``TypedDict`` is a promise to the type checker only; :func:`refuse_unknown` keeps the runtime
answer a keyword parameter list gave: a misspelt setting is a ``TypeError``, never a silent default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["refuse_unknown"]


def refuse_unknown(function: str, settings: Mapping[str, Any], declared: Any) -> None:
    """``TypeError`` naming ``function`` when ``settings`` holds a key the ``TypedDict`` ``declared``
    does not."""
    unknown = sorted(settings.keys() - (declared.__required_keys__ | declared.__optional_keys__))
    if unknown:
        raise TypeError(f"{function}() got unexpected keyword arguments: {', '.join(unknown)}")
