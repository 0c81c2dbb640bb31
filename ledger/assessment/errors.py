"""What goes wrong with self-assessments, in words: one class per failure, message built here;
AssessmentRegistry's custom errors rewritten with member ids."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ledger.errors import ContractRevert, InvalidInput, LedgerError
from ledger.ids import member_id_text


class InvalidFramework(LedgerError):
    """The indicator framework file breaks its own rules (a packaging error, not the user's)."""

    code = "assessment-invalid-framework"

    def __init__(self, reason: str) -> None:
        super().__init__(f"the assessment framework is invalid: {reason}")


class InvalidAnswers(InvalidInput):
    """A filled-in assessment form breaks the format; `path` names the file and the indicator."""

    code = "assessment-invalid-answers"


class NoAssessment(LedgerError):
    """The member has submitted no self-assessment."""

    code = "assessment-none"

    def __init__(self, member: str) -> None:
        self.member = member
        super().__init__(f"{member} has submitted no self-assessment (`sanzhi assess submit FILE --as ADMIN`)")


class AnswersMismatch(LedgerError):
    """The answers read from the store do not give the root the member committed."""

    code = "assessment-answers-mismatch"

    def __init__(self, member: str, number: int) -> None:
        self.member = member
        self.number = number
        super().__init__(
            f"{member}'s answers of submission {number} do not match the root it committed on chain: "
            "the shared file was altered or is another file"
        )


class AnswersUnreadable(LedgerError):
    """The shared answers of a submission cannot be read with this key."""

    code = "assessment-answers-unreadable"

    def __init__(self, member: str, number: int, detail: str) -> None:
        self.member = member
        self.number = number
        super().__init__(f"{member}'s answers of submission {number} cannot be read: {detail}")


class NotAMemberAdmin(LedgerError):
    """The signing key is no member's admin account: only a member's admin submits."""

    code = "assessment-not-admin"

    def __init__(self, account: str) -> None:
        super().__init__(f"{account} is not the admin account of an active member: a member's admin submits")


class WrongMember(LedgerError):
    """The form names another member than the one the signing key is admin of."""

    code = "assessment-wrong-member"

    def __init__(self, form_member: str, account: str, member: str) -> None:
        super().__init__(
            f"the form is {form_member}'s, but {account} is {member}'s admin: each member submits its own assessment"
        )


def _member(value: Any) -> str:
    return member_id_text(value) if isinstance(value, bytes) else str(value)


_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "AssessmentRegistryNotMemberAdmin": lambda v: f"{v['caller']} is not the admin account of an active member",
    "AssessmentRegistryUnchanged": lambda v: (
        f"{_member(v['member'])}'s submission {v['number']} already holds these answers"
    ),
}


@contextmanager
def readable_errors() -> Iterator[None]:
    """Re-raise AssessmentRegistry reverts inside the block with readable messages (the class
    stays the decoded one, so callers still catch `ContractRevert.for_error(name)`)."""
    try:
        yield
    except ContractRevert as exc:
        render = _MESSAGES.get(exc.name)
        if render is not None:
            exc.message = f"{render(exc.values)} ({exc.name})"
            exc.args = (exc.message,)
        raise exc from None
