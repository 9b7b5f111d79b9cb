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
    JUDICIAL = "judicial"  # a court's decision: binds the parties to the case (ICJ Statute 59)


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


class RelationKind(StrEnum):
    """How a provision of a proposal stands toward a provision of another instrument."""

    CONTRADICTS = "contradicts"  # both cannot be honoured at once
    WOULD_REPLACE = "would-replace"  # the proposal would put its own rule in the other's place
    REINTERPRETS = "reinterprets"  # keeps the words, changes what they are read to require
    REAFFIRMS = "reaffirms"  # restates the commitment


CHANGING_RELATIONS = frozenset(
    {RelationKind.CONTRADICTS, RelationKind.WOULD_REPLACE, RelationKind.REINTERPRETS}
)
"""Relations by which a proposal would change the commitment it points to."""


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
    PROVISIONAL_APPLICATION = "provisional-application"  # VCLT art. 25: not entry into force
    READMISSION = "readmission"  # a suspended participant or party is readmitted
    APPLICATION = "application"  # a state applies to join (a NATO membership application)
    ENDORSEMENT = "endorsement"  # a body endorses an instrument it is not party to (UNSC 2202)
    DOMESTIC_ACT = "domestic-act"  # a law, decree or vote at home: never the international act
    EXTENSION = "extension"  # the parties extend a treaty's duration (New START, 2021)


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
        ActType.PROVISIONAL_APPLICATION,
        ActType.READMISSION,
        ActType.APPLICATION,
        ActType.ENDORSEMENT,
        ActType.EXTENSION,
    }
)
"""Act types that always concern one instrument."""

CHANGES_NO_STATUS = frozenset(
    {
        ActType.REJECTION,
        ActType.SELF_RESTRAINT,
        ActType.ALLEGED_VIOLATION,
        ActType.RECOGNITION,
        ActType.USE_OF_FORCE,
        ActType.DOCTRINAL_STATEMENT,
        ActType.APPLICATION,
        ActType.ENDORSEMENT,
        ActType.DOMESTIC_ACT,
        ActType.EXTENSION,
    }
)
"""Acts that belong to the timeline and change no status.

A domestic law or decree is never the international act: a withdrawal runs
from the notification to the depositary (VCLT arts. 65-67), a ratification
from the deposit of its instrument (art. 16).
"""


class InstrumentStatus(StrEnum):
    """An instrument's status as derived by replay."""

    DRAFT = "draft"
    ADOPTED = "adopted"
    IN_FORCE = "in-force"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"


class ActorStatus(StrEnum):
    """An actor's status toward one instrument, as derived by replay.

    Where two apply at once, the later member of this enumeration is the one
    shown (for example a signatory that has ratified is ``contracting``);
    replay reports every role held, each with its since.
    """

    PROPOSER = "proposer"  # made a proposal or demands: bound by nothing in it
    ADDRESSEE = "addressee"  # demands or a proposal were addressed to it: never bound (VCLT 34)
    SIGNATORY = "signatory"  # signed a treaty subject to ratification (VCLT art. 18)
    PROVISIONALLY_APPLYING = "provisionally-applying"  # VCLT art. 25
    CONTRACTING = "contracting"  # VCLT art. 2(1)(f): consented, not yet in force for it
    PARTY = "party"  # VCLT art. 2(1)(g): consented, and in force for it
    PARTICIPATING = "participating"  # a participating State of a political instrument
    SUSPENDED = "suspended"
    WITHDRAWING = "withdrawing"  # notice given, not yet effective: still a party
    WITHDRAWN = "withdrawn"
    FORMER_PARTY = "former-party"  # the instrument ended (terminated, superseded): VCLT 70(1)(a)

    @property
    def rank(self) -> int:
        """Position in the precedence order (higher wins)."""
        return _ACTOR_RANK[self]


_ACTOR_RANK = {status: index for index, status in enumerate(ActorStatus)}

BOUND_STATUSES = frozenset(
    {
        ActorStatus.PARTY,
        ActorStatus.PARTICIPATING,
        ActorStatus.PROVISIONALLY_APPLYING,
        ActorStatus.WITHDRAWING,
    }
)
"""Actor statuses under which an instrument's provisions bind the actor (while it is operative)."""
