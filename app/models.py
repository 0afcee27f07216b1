"""Imports every domain model module, so Base.metadata knows all tables (migrations, tests)."""

import proposals.assisted.models  # noqa: F401
import proposals.collection.models  # noqa: F401
import proposals.council.models  # noqa: F401
import proposals.cycles.models  # noqa: F401
import proposals.evaluation.models  # noqa: F401
import proposals.evaluation.rounds  # noqa: F401
import proposals.implementation.models  # noqa: F401
import proposals.notices.models  # noqa: F401
import proposals.requests.models  # noqa: F401
import proposals.shortlist.models  # noqa: F401
import votes.audit  # noqa: F401
import votes.ballots  # noqa: F401
import votes.hall  # noqa: F401
import votes.mobiles  # noqa: F401
import votes.people  # noqa: F401
import votes.places  # noqa: F401
import votes.residence  # noqa: F401
import votes.roster  # noqa: F401
import votes.sessions  # noqa: F401
import votes.tablets  # noqa: F401
import votes.versions  # noqa: F401
from votes.base import Base

metadata = Base.metadata
