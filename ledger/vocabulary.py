"""The field's terms as closed vocabularies: act types, legal natures, statuses.

Sources of the terms: the UN Treaty Collection's glossary (consent to be
bound: ratification, acceptance, approval, accession, succession), the Vienna
Convention on the Law of Treaties (VCLT) art. 2(1)(f) *contracting state* and
art. 2(1)(g) *party*, and ATOP / Correlates of War commitment types extended
for arms control (restraint, transparency, verification, assurance).
"""

from __future__ import annotations

from enum import StrEnum


class LegalNature(StrEnum):
    """What kind of commitment an instrument is."""

    TREATY = "treaty"  # binds in international law
    POLITICAL = "political"  # politically binding (Helsinki Final Act, Vienna Document)
    DRAFT = "draft"  # proposed text, binds nobody
    UNILATERAL = "unilateral"  # one actor's declaration or set of demands


class ProvisionType(StrEnum):
    """The type of a commitment inside an instrument."""

    RESTRAINT = "restraint"  # restraint or limitation
    TRANSPARENCY = "transparency"  # transparency or notification
    VERIFICATION = "verification"
    ASSURANCE = "assurance"
    COLLECTIVE_DEFENCE = "collective-defence"
    NON_AGGRESSION = "non-aggression"
    CONSULTATION = "consultation"
    DEMAND = "demand"


class ActType(StrEnum):
    """The kinds of dated diplomatic act the ledger records."""

    PROPOSAL = "proposal"
    ADOPTION = "adoption"
    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"
    SUCCESSION = "succession"
    ENTRY_INTO_FORCE = "entry-into-force"
    SUPERSESSION = "supersession"
    SUSPENSION = "suspension"
    WITHDRAWAL = "withdrawal"
    DENUNCIATION = "denunciation"
    TERMINATION = "termination"
    DEMANDS = "demands"
    REJECTION = "rejection"
    SELF_RESTRAINT = "self-restraint"
    ALLEGED_VIOLATION = "alleged-violation"
    RECOGNITION = "recognition"
    ANNEXATION = "annexation"
    USE_OF_FORCE = "use-of-force"
    DOCTRINAL_STATEMENT = "doctrinal-statement"


CONSENT_TO_BE_BOUND = frozenset(
    {
        ActType.RATIFICATION,
        ActType.ACCEPTANCE,
        ActType.APPROVAL,
        ActType.ACCESSION,
        ActType.SUCCESSION,
    }
)
"""Ways of consenting to be bound by a treaty (UN Treaty Collection glossary)."""

WITH_EFFECTIVE_DATE = frozenset({ActType.SUSPENSION, ActType.WITHDRAWAL, ActType.DENUNCIATION})
"""Acts notified on one day that take effect on another (VCLT arts. 56, 65-67)."""

NEEDS_INSTRUMENT = frozenset(
    {
        ActType.PROPOSAL,
        ActType.ADOPTION,
        ActType.SIGNATURE,
        ActType.RATIFICATION,
        ActType.ACCEPTANCE,
        ActType.APPROVAL,
        ActType.ACCESSION,
        ActType.ENTRY_INTO_FORCE,
        ActType.SUPERSESSION,
        ActType.SUSPENSION,
        ActType.WITHDRAWAL,
        ActType.DENUNCIATION,
        ActType.TERMINATION,
        ActType.DEMANDS,
        ActType.REJECTION,
    }
)
"""Act types that always concern one instrument."""


class InstrumentStatus(StrEnum):
    """An instrument's status as derived by replay."""

    DRAFT = "draft"
    ADOPTED = "adopted"
    IN_FORCE = "in-force"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"


class ActorStatus(StrEnum):
    """An actor's status toward one instrument, as derived by replay.

    Where two apply at once, the later member of this enumeration wins
    (for example a signatory that has ratified is ``contracting``).
    """

    PROPOSER = "proposer"
    ADDRESSEE = "addressee"
    SIGNATORY = "signatory"
    CONTRACTING = "contracting"  # VCLT art. 2(1)(f)
    PARTY = "party"  # VCLT art. 2(1)(g)
    SUSPENDED = "suspended"
    WITHDRAWING = "withdrawing"  # notice given, not yet effective: still a party
    WITHDRAWN = "withdrawn"

    @property
    def rank(self) -> int:
        """Position in the precedence order (higher wins)."""
        return _ACTOR_RANK[self]


_ACTOR_RANK = {status: index for index, status in enumerate(ActorStatus)}

BOUND_STATUSES = frozenset({ActorStatus.PARTY, ActorStatus.WITHDRAWING})
"""Actor statuses under which a treaty's provisions bind the actor."""
