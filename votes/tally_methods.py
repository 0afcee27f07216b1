"""Ballot methods (YNA, YN, Y): a registry of strategies that read and normalise one ballot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import ClassVar

CandidateId = int | str

YES = "yes"
NO = "no"
ABSTAIN = "abstain"


class Method(StrEnum):
    YNA = "YNA"  # yes / no / abstain on each candidate
    YN = "YN"  # yes / no; a blank is recorded as abstain
    Y = "Y"  # approval: tick the candidates you support


class InvalidBallot(Exception):
    """A ballot cannot be accepted; `code` is stable, `message_params` fill the user's message."""

    def __init__(self, code: str, message_params: Mapping[str, object] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message_params = dict(message_params or {})
        # Same attribute name as votes.base.DomainError, so one error handler serves both.
        self.params = self.message_params


class ChoiceMethod:
    """One ballot method; subclasses only say what may be marked and what a blank counts as."""

    code: ClassVar[Method]
    allowed: ClassVar[frozenset[str]]
    blank: ClassVar[str | None]  # None: an unmarked candidate is simply not recorded

    @classmethod
    def normalise(
        cls, candidate_ids: Sequence[CandidateId], choices: Mapping[CandidateId, object]
    ) -> dict[CandidateId, str]:
        known = set(candidate_ids)
        for cid in choices:
            if cid not in known:
                raise InvalidBallot("unknown_candidate", {"candidate_id": cid})
        out: dict[CandidateId, str] = {}
        for cid in candidate_ids:
            raw = choices.get(cid)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                choice = cls.blank
            elif isinstance(raw, str) and raw.strip().lower() in cls.allowed:
                choice = raw.strip().lower()
            else:
                params = {"candidate_id": cid, "choice": raw, "method": str(cls.code)}
                raise InvalidBallot("choice_not_allowed", params)
            if choice is not None:
                out[cid] = choice
        return out


class YesNoAbstain(ChoiceMethod):
    code = Method.YNA
    allowed = frozenset({YES, NO, ABSTAIN})
    blank = ABSTAIN


class YesNo(ChoiceMethod):
    # Nobody can be forced to take a side, so a blank still has to be counted as something:
    # it is recorded as abstain, even though abstain cannot be ticked explicitly.
    code = Method.YN
    allowed = frozenset({YES, NO})
    blank = ABSTAIN


class Approval(ChoiceMethod):
    code = Method.Y
    allowed = frozenset({YES})
    blank = None


METHODS: dict[str, type[ChoiceMethod]] = {m.code: m for m in (YesNoAbstain, YesNo, Approval)}
