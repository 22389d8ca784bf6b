"""One exception hierarchy for every cloud.

Messages never carry credentials: the API layers build them from the cloud's error code, message,
HTTP status and request id only, and :func:`imageops.redact.redact` scrubs anything else on the way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class ImageOpsError(Exception):
    """Base of every error imageops raises.

    ``image_id`` names the existing image the failed call was about, when it is known (set by
    :func:`about_image`, e.g. around the update or delete of an image that was found): the tools
    return it on failure, and the message starts with ``image <id>``.
    """

    image_id: str | None = None

    def __str__(self) -> str:
        text = super().__str__()
        if self.image_id and not text.startswith(f"image {self.image_id}"):
            return f"image {self.image_id}: {text}"
        return text


@contextmanager
def about_image(image_id: str | None) -> Iterator[None]:
    """Every :class:`ImageOpsError` raised in the block is about image ``image_id`` (an error that
    already names an image keeps it). The error's type and everything else about it stay as they are."""
    try:
        yield
    except ImageOpsError as exc:
        if image_id and exc.image_id is None:
            exc.image_id = image_id
        raise


class ConfigError(ImageOpsError):
    """Credentials or configuration could not be loaded (missing file, profile, key...)."""


class SpecError(ImageOpsError):
    """The desired state is invalid; raised before any API call.

    ``errors`` holds one ``(field, rule)`` pair per problem, ``field`` dotted for nested fields.
    """

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {rule}" for field, rule in errors))


class AmbiguousImageError(ImageOpsError):
    """More than one image matches the idempotency key: we never guess which one is meant."""

    def __init__(self, key: str, image_ids: list[str]):
        self.key = key
        self.image_ids = image_ids
        super().__init__(
            f"{len(image_ids)} images match {key}: {', '.join(image_ids)}; "
            "pass image_id to choose one, or rename or delete the others"
        )


class WaitTimeoutError(ImageOpsError):
    """An image did not reach the wanted state in time. The image exists: ``image_id`` says which."""

    image_id: str

    def __init__(self, image_id: str, wanted: str, last_state: str, timeout: float):
        self.image_id = image_id
        self.wanted = wanted
        self.last_state = last_state
        self.timeout = timeout
        super().__init__(f"image {image_id} is still {last_state} after {timeout:g}s (waiting for {wanted})")


class CloudError(ImageOpsError):
    """An error answered by a cloud API, with what the cloud said about it."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        status: int | None = None,
        request_id: str | None = None,
        operation: str = "",
        hint: str = "",
    ):
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.operation = operation
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.operation} failed: " if self.operation else ""
        code = f"{self.code}: " if self.code else ""
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        details.append(f"request id {self.request_id or 'unknown'}")
        hint = f"; {self.hint}" if self.hint else ""
        return f"{head}{code}{self.message} ({', '.join(details)}){hint}"


class NotFoundError(CloudError):
    """The resource does not exist, or this account may not see it."""


class ConflictError(CloudError):
    """The resource is in a state that forbids the call, or a retry token was reused differently."""


class ThrottledError(CloudError):
    """The cloud asked us to slow down and retries were exhausted."""


class AuthError(CloudError):
    """The cloud rejected the credentials or the signature. Never retried. Each cloud's API layer
    gives it a ``hint`` naming the settings to check (clouds answer a bad key, a bad secret and a
    skewed clock alike, and some only with "Authentication failed")."""


class ValidationError(CloudError):
    """The cloud rejected the request as invalid. Never retried."""


class TransportError(CloudError):
    """The cloud could not be reached (connection refused, dropped, timed out) after retries."""
