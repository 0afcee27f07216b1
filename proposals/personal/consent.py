"""The privacy notice a person agrees to when registering: which text, and when."""

from __future__ import annotations

from datetime import datetime

from votes.base import utcnow
from votes.people import User

# The privacy notice's version (templates/public/privacy.html): raise it with any change of
# what is collected, why, who sees it or for how long, and it is kept with each new consent.
NOTICE_VERSION = "2026-12-03"


def record_consent(user: User, now: datetime | None = None) -> None:
    """`user` agreed to the privacy notice of NOTICE_VERSION now."""
    user.consented_at = now or utcnow()
    user.consent_version = NOTICE_VERSION
