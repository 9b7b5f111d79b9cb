"""Every error the ledger raises, rooted at :class:`LedgerError`.

Each error carries the offending value and says what to do about it. The
command line catches :class:`LedgerError` once and prints its message as a
single ``Error:`` line; nothing below it ever prints.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base class of every error the ledger raises on purpose."""


QUOTE_LIMIT = 200
"""At most this many characters of a value given by a user are quoted in an error line."""


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """The value's repr, cut to ``limit`` characters, saying how long it was when cut."""
    text = repr(value)
    if len(text) <= limit:
        return text
    length = f" ({len(value)} characters)" if isinstance(value, (str, bytes)) else ""
    return text[: limit - 3] + "..." + length


def _case_hint(value: str) -> str:
    """Ids are case-sensitive and lower-case: suggest the lower-case id for one that is not."""
    if isinstance(value, str) and value != value.lower():
        return f"; ids are case-sensitive and lower-case: did you mean {quoted(value.lower())}?"
    return ""


class InvalidDate(LedgerError, ValueError):
    """A valid-time or as-of value is not a date the ledger accepts.

    Attributes:
        value: the text as given.
        reason: why it was refused, in plain words.
    """

    def __init__(self, value: object, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"{quoted(value)} is not a valid date: {reason}")


class InvalidMoment(InvalidDate):
    """A known-at moment that this log does not have (a position beyond its end)."""

    def __init__(self, value: object, reason: str) -> None:
        super().__init__(value, reason)
        self.args = (f"{value!r} is not a moment of this log: {reason}",)

    def __str__(self) -> str:
        return self.args[0]


class InvalidRecord(LedgerError):
    """A record (act or instrument) failed validation; nothing was written.

    Attributes:
        where: where the record came from (``FILE line N`` or ``stdin``).
        record_id: the record's ``id`` where it has a readable one, else None.
        field: the dotted path of the offending field, or None.
        detail: what is wrong with it.
    """

    def __init__(
        self,
        where: str,
        record_id: str | None,
        field: str | None,
        detail: str,
        kind: str = "record",
    ) -> None:
        self.where = where
        self.record_id = record_id
        self.field = field
        self.detail = detail
        parts = [where]
        if record_id:
            parts.append(f"{kind} {quoted(record_id)}")
        if field:
            parts.append(f"field {quoted(field)}")
        super().__init__(", ".join(parts) + f": {detail}; nothing was written")


class NoRecords(LedgerError):
    """A record file or standard input holds no record; nothing was written."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__(f"no records in {quoted(source)}; nothing was written")


class RecordConflict(LedgerError):
    """A record id is already in the ledger with different content.

    The ledger never edits an entry; a changed act needs a correction, not a
    second import under the same id.
    """

    def __init__(
        self,
        record_id: str,
        field: str,
        recorded: object,
        given: object,
        where: str | None = None,
        kind: str = "record",
    ):
        self.record_id = record_id
        self.field = field
        prefix = f"{where}: " if where else ""
        remedy = (
            'record a change with "ledger correct", or give a new act a new id'
            if kind == "act"
            else "give the changed record a new id"
        )
        super().__init__(
            f"{prefix}{kind} {record_id!r} is already recorded with different content "
            f"(field {field!r}: recorded {_short(recorded)}, given {_short(given)}); "
            f"{remedy}; nothing was written"
        )


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class UnknownInstrument(LedgerError, LookupError):
    """No instrument with that id is in the ledger (or in the same import)."""

    def __init__(self, instrument_id: str, where: str | None = None) -> None:
        self.instrument_id = instrument_id
        prefix = f"{where}: " if where else ""
        suffix = "; nothing was written" if where else ""
        super().__init__(
            f"{prefix}no instrument {quoted(instrument_id)} in the ledger"
            f"{_case_hint(instrument_id)}; "
            f'list the known ones with "ledger instruments"{suffix}'
        )


class UnknownProvision(LedgerError, LookupError):
    """An act names a provision its instrument does not have."""

    def __init__(self, provision_id: str, instrument_id: str, where: str) -> None:
        self.provision_id = provision_id
        super().__init__(
            f"{where}: instrument {instrument_id!r} has no provision "
            f"{provision_id!r}; nothing was written"
        )


class NotAProposal(LedgerError, ValueError):
    """An instrument that proposes nothing: not a draft, not demands, and linked to nothing."""

    def __init__(self, instrument_id: str) -> None:
        self.instrument_id = instrument_id
        super().__init__(
            f"instrument {instrument_id!r} is not a proposal: it is neither a draft nor a set "
            f"of demands, and no relation links its provisions to another instrument; "
            f'see "ledger instruments" for the drafts and demands'
        )


class InvalidActorCode(LedgerError, ValueError):
    """An actor code is neither an ISO 3166 alpha-3 code nor a known organisation."""

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(
            f"{quoted(code)} is not an actor code: use an ISO 3166-1 alpha-3 code "
            "(RUS, USA), an ISO 3166-3 code for a former state (SUN), or one of "
            "the organisations NATO, OSCE, CSCE, UN, EU, CSTO, EAEU, SCO, BRICS"
        )


class StoreError(LedgerError):
    """The event store cannot be opened, read or written."""


class EmptyStore(StoreError):
    """The store holds no records yet (or does not exist)."""

    def __init__(self, location: str) -> None:
        from treaty_ledger.ledger.redaction import redact

        location = redact(location)
        self.location = location
        import os

        folder = os.path.dirname(location) if "://" not in location else ""
        make = f"mkdir -p {folder} && " if folder and not os.path.isdir(folder) else ""
        super().__init__(
            f"no ledger records in {location}; load the shipped record with: "
            f"{make}ledger import --shipped --store {location}"
        )


class UnknownAct(LedgerError, LookupError):
    """No act with that id is in the ledger."""

    def __init__(self, act_id: str, kinds: str = "act") -> None:
        self.act_id = act_id
        super().__init__(
            f"no {kinds} {quoted(act_id)} in the ledger{_case_hint(act_id)}; "
            'find act ids with "ledger timeline"'
        )


class InvalidRevision(LedgerError, ValueError):
    """A correction or retraction cannot be appended; nothing was written."""

    def __init__(self, act_id: str, detail: str, kind: str = "act") -> None:
        self.act_id = act_id
        super().__init__(f"{kind} {act_id!r}: {detail}; nothing was written")


class WriteConflict(StoreError):
    """Another writer appended to the same record at the same time; nothing was written.

    Retried by the operations that write (``ledger.store.retry``); reaches the
    user only when the conflict persists.
    """


class StoreBusy(StoreError):
    """The store stayed locked by other writers ("database is locked"); nothing was written."""


class MissingExtra(LedgerError, ImportError):
    """A command needs an optional part of the package that is not installed.

    Attributes:
        extra: the name of the extra that brings it (``postgres``, ``serve``,
            ``chart``), as in ``pip install 'treaty-ledger[EXTRA]'``.
        needed_for: what needs it, in a few words.
    """

    def __init__(self, extra: str, needed_for: str) -> None:
        self.extra = extra
        self.needed_for = needed_for
        super().__init__(
            f"{needed_for} needs the '{extra}' extra, which is not installed: "
            f"pip install 'treaty-ledger[{extra}]' (from a checkout: pip install '.[{extra}]')"
        )
