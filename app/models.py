"""Imports every domain model module, so Base.metadata knows all tables (migrations, tests)."""

import proposals.council_models  # noqa: F401
import proposals.evaluation  # noqa: F401
import proposals.models  # noqa: F401
import proposals.projects  # noqa: F401
import votes.ballots  # noqa: F401
import votes.people  # noqa: F401
from votes.base import Base

metadata = Base.metadata
