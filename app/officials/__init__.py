"""Pages for officials: the government's work on each cycle."""

from flask import Blueprint

bp = Blueprint("officials", __name__, url_prefix="/official")

# This audience's own pages, then each context's views hung on this blueprint: a context
# keeps its forms, messages and views together in app/<context>/ (docs/architecture.md).
from app.assisted import officials as assisted_entry_views  # noqa: E402,F401
from app.auth import assisted as assisted_views  # noqa: E402,F401  (the counter's accounts)
from app.ballots import kiosk_desk as kiosk_desk_views  # noqa: E402,F401  (hall tablets)
from app.ballots import officials as ballots_views  # noqa: E402,F401
from app.ballots import paper as paper_views  # noqa: E402,F401  (mixed ballots' desk)
from app.collection import officials as collection_views  # noqa: E402,F401
from app.council import officials as council_views  # noqa: E402,F401
from app.documents import officials as documents_views  # noqa: E402,F401
from app.evaluation import officials as evaluation_views  # noqa: E402,F401
from app.implementation import officials as implementation_views  # noqa: E402,F401
from app.officials import routes  # noqa: E402,F401
from app.requests import hotline as requests_hotline_views  # noqa: E402,F401  (12345 import)
from app.requests import merge as requests_merge_views  # noqa: E402,F401  (duplicates)
from app.requests import officials as requests_views  # noqa: E402,F401
from app.residence import officials as residence_views  # noqa: E402,F401
from app.residence import roster as roster_views  # noqa: E402,F401  (the community's roster)
from app.shortlist import officials as shortlist_views  # noqa: E402,F401
