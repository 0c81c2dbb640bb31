"""What goes wrong with self-assessments, in words: one class per failure, message built here;
AssessmentRegistry's custom errors rewritten with member ids."""

from __future__ import annotations

from contextlib import AbstractContextManager

from ledger.errors import InvalidInput, LedgerError, RevertMessages, readable_reverts
from ledger.ids import revert_member


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


_MESSAGES: RevertMessages = {
    "AssessmentRegistryNotMemberAdmin": lambda v: f"{v['caller']} is not the admin account of an active member",
    "AssessmentRegistryUnchanged": lambda v: (
        f"{revert_member(v['member'])}'s submission {v['number']} already holds these answers"
    ),
}


def readable_errors() -> AbstractContextManager[None]:
    """Re-raise AssessmentRegistry reverts inside the block with readable messages."""
    return readable_reverts(_MESSAGES)
