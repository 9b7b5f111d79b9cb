"""Keep secrets out of messages: a store location with its password hidden."""

from __future__ import annotations


def redact(location: str) -> str:
    """The location with any password replaced by ``***``, for messages."""
    if "://" not in location:
        return location
    scheme, _, rest = location.partition("://")
    authority, slash, tail = rest.partition("/")
    if "@" in authority:
        credentials, _, host = authority.rpartition("@")
        user, colon, _password = credentials.partition(":")
        authority = f"{user}:***@{host}" if colon else f"{user}@{host}"
    return f"{scheme}://{authority}{slash}{tail}"
