"""Domain errors; `search_api` maps each to one HTTP status in a single place."""


class LoupeError(Exception):
    """Base for errors that carry a message safe to show to the caller."""


class AssetNotFound(LoupeError):
    """Missing, or invisible to the caller: the two are indistinguishable on purpose."""


class InvalidQuery(LoupeError):
    """The request cannot be turned into a query (bad filter value, page out of range...)."""


class InvalidImage(LoupeError):
    """An uploaded or scanned file is not a decodable, allowed image."""


class BackendUnavailable(LoupeError):
    """The store cannot be reached or answered in time."""


class EncoderUnavailable(LoupeError):
    """A model could not be loaded (no weights reachable, bad local directory...)."""
