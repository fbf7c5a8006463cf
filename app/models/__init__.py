"""Agora's data model: one module per concept, all re-exported here."""

from app.models.after_hours import (
    AccessCode,
    AfterHoursTerms,
    AssociationTrust,
    RuleException,
)
from app.models.association import Association, JoinRequest, Membership
from app.models.base import Base, utcnow
from app.models.booking import Booking, Occurrence, OccurrenceClaim
from app.models.branch import Branch, Closure, Floor
from app.models.layout import FurnitureKind, Layout
from app.models.outbox import OutboxMessage
from app.models.proposal import Proposal, ProposalSupport
from app.models.room import CellRoom, FloorCell, Room
from app.models.rules_version import RulesVersion
from app.models.user import ApiToken, User

__all__ = [
    "AccessCode",
    "AfterHoursTerms",
    "ApiToken",
    "Association",
    "AssociationTrust",
    "Base",
    "Booking",
    "Branch",
    "CellRoom",
    "Closure",
    "Floor",
    "FloorCell",
    "FurnitureKind",
    "JoinRequest",
    "Layout",
    "Membership",
    "Occurrence",
    "OccurrenceClaim",
    "OutboxMessage",
    "Proposal",
    "ProposalSupport",
    "Room",
    "RuleException",
    "RulesVersion",
    "User",
    "utcnow",
]
