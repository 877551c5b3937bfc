"""Domain errors; `search_api` maps each to one HTTP status in a single place."""

from typing import Literal


class LoupeError(Exception):
    """Base for errors that carry a message safe to show to the caller."""


class AssetNotFound(LoupeError):
    """Missing, or invisible to the caller: the two are indistinguishable on purpose."""


class RecordNotFound(LoupeError):
    """A collection or saved search that does not exist or is not the caller's to open: indistinguishable."""


class InvalidQuery(LoupeError):
    """The request cannot be turned into a query (bad filter value, page out of range...)."""


InvalidImageKind = Literal["unsupported_format", "too_large", "not_an_image", "corrupt", "invalid"]


class InvalidImage(LoupeError):
    """An uploaded or scanned file is not a decodable, allowed image.

    `kind` lets callers count or map failures (the indexer's report, a 413 vs a 415)
    without parsing the message, whose wording is for people.
    """

    def __init__(self, message: str, kind: InvalidImageKind = "invalid") -> None:
        super().__init__(message)
        self.kind: InvalidImageKind = kind


class BackendUnavailable(LoupeError):
    """The store cannot be reached or answered in time."""


class EncoderUnavailable(LoupeError):
    """A model could not be loaded (no weights reachable, bad local directory...)."""


class NotAuthenticated(LoupeError):
    """No valid credentials came with the request."""


class Forbidden(LoupeError):
    """The caller is known, but their role does not allow this."""


class TooManyRequests(LoupeError):
    """A rate limit (e.g. login attempts) was hit; the message says when to retry."""


class PayloadTooLarge(LoupeError):
    """An upload or request body is over its configured size limit."""


class InvalidUpload(LoupeError):
    """An upload request that cannot be taken as a whole (no files, too many); each file's own problem
    is reported per file instead, so one bad file never costs the others."""


class VersionConflict(LoupeError):
    """An asset changed since the caller read it: their write would overwrite someone else's.

    `fields` maps each field the caller set to what they sent and what is stored now, so a
    client can show both values side by side instead of silently winning or losing.
    """

    def __init__(self, message: str, asset_id: str, current_version: str, fields: dict[str, dict[str, object]]) -> None:
        super().__init__(message)
        self.asset_id = asset_id
        self.current_version = current_version
        self.fields = fields
