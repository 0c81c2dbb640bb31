"""The exceptions sanzhi raises: one root, one subclass per failure, message built here."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar


class LedgerError(Exception):
    """Root of every error sanzhi reports to a user."""

    code: ClassVar[str] = "ledger-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(LedgerError):
    """Settings, profiles or files are missing or inconsistent."""

    code = "configuration"


class InvalidInput(LedgerError):
    """Input failed validation; names the field path and the reason."""

    code = "invalid-input"

    def __init__(self, reason: str, *, path: str | None = None) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


class InvalidDisplayName(InvalidInput):
    """A display name of an accredited account that cannot be set: empty, too long, or with
    characters that change how text around it reads (controls, bidirectional overrides)."""

    def __init__(self, reason: str, *, path: str = "name") -> None:
        super().__init__(f"a display name {reason}", path=path)


class UnknownMember(InvalidInput):
    """A well-formed member id that was never a member of the consortium asked."""

    code = "unknown-member"

    def __init__(self, member_id: str, *, path: str) -> None:
        self.member_id = member_id
        super().__init__(
            f"{member_id} has never been a member of this consortium (see `sanzhi consortium members`)", path=path
        )


class InvalidJson(InvalidInput):
    """A JSON input is too large, nested too deeply, malformed, or repeats a key; `path` is the
    input (file, URL or what it is), `reason` says what and where."""

    code = "invalid-json"

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        super().__init__(reason, path=source)


class NodeNotRunning(LedgerError):
    """No JSON-RPC node answers at the configured URL."""

    code = "node-not-running"

    def __init__(self, rpc_url: str, detail: str = "", *, data_dir: Path | None = None) -> None:
        self.rpc_url = rpc_url
        self.detail = detail
        self.data_dir = data_dir
        extra = f": {detail}" if detail else ""
        hint = ""
        if "127.0.0.1" in rpc_url or "localhost" in rpc_url:
            where = f"no node of data directory {data_dir} runs; " if data_dir is not None else ""
            hint = (
                f" ({where}start one with `sanzhi up` (`make run` in the checkout) or `sanzhi node start`, "
                "or name the running node's data directory with --data-dir or SANZHI_DATA_DIR)"
            )
        super().__init__(f"no chain node answers at {rpc_url}{extra}{hint}")


class WrongChain(LedgerError):
    """The node's chain id is not the one expected."""

    code = "wrong-chain"

    def __init__(self, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"node is on chain {actual}, expected chain {expected}")


class NotDeployed(LedgerError):
    """The contracts are not deployed on this chain (or the deployments file is stale)."""

    code = "not-deployed"

    def __init__(self, chain_id: int, detail: str = "", *, deployments_dir: Path | None = None) -> None:
        self.chain_id = chain_id
        self.detail = detail
        self.deployments_dir = deployments_dir
        extra = f": {detail}" if detail else ""
        where = f"no record of it in {deployments_dir}; " if deployments_dir is not None else ""
        super().__init__(
            f"sanzhi contracts are not deployed on chain {chain_id}{extra} ({where}on a development chain "
            "run `sanzhi up` or `sanzhi deploy --dev`, on a network `sanzhi deploy --member ID --member-name NAME`)"
        )


class KeyUnavailable(LedgerError):
    """No signing key could be loaded for the requested profile."""

    code = "key-unavailable"


class TransactionFailed(LedgerError):
    """A transaction was mined but failed without a decodable reason, or could not be sent."""

    code = "transaction-failed"


class ReadFailed(LedgerError):
    """The node answered a read (eth_call, eth_getLogs, a block or transaction) with an error or a
    malformed reply: nothing was sent, so this is not a failed transaction."""

    code = "read-failed"

    def __init__(self, what: str, detail: Any) -> None:
        self.what = what
        self.detail = detail
        super().__init__(f"reading {what} failed: {detail}")


class UnencodableArguments(InvalidInput):
    """Arguments of a contract call that its ABI types cannot hold (a number out of range, bytes of
    the wrong length): refused before anything is sent."""

    code = "unencodable-arguments"

    def __init__(self, function: str, types: Any, detail: Any) -> None:
        self.function = function
        super().__init__(f"arguments of {function} do not fit its types {types}: {detail}", path=function)


class UndecodableData(LedgerError):
    """Return data, a log or revert data does not decode as the compiled ABI says it should."""

    code = "undecodable-data"

    def __init__(self, what: str, detail: Any) -> None:
        self.what = what
        self.detail = detail
        super().__init__(f"cannot decode {what}: {detail}")


class ContractRevert(LedgerError):
    """A contract call reverted with a custom error; subclasses exist per error name.

    `ContractRevert.for_error("ConsortiumNotMemberAdmin")` is the class raised for that error,
    so callers can catch one specific contract error.
    """

    code = "contract-revert"
    error_name: ClassVar[str] = ""
    _classes: ClassVar[dict[str, type[ContractRevert]]] = {}

    def __init__(
        self,
        name: str,
        values: dict[str, Any],
        *,
        contract: str | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        """`names`: how to show some values (a role or type name for its hash)."""
        self.name = name
        self.values = values
        self.contract = contract
        shown = ", ".join(f"{k}={(names or {}).get(k) or _show(v)}" for k, v in values.items())
        super().__init__(f"{name}({shown})")

    @classmethod
    def for_error(cls, name: str) -> type[ContractRevert]:
        """The subclass raised for the custom error `name`."""
        existing = cls._classes.get(name)
        if existing is None:
            existing = type(name, (ContractRevert,), {"error_name": name})
            cls._classes[name] = existing
        return existing


def _show(value: Any) -> str:
    """Readable rendering of decoded revert values: short ids as text, bytes as hex."""
    if isinstance(value, bytes):
        stripped = value.rstrip(b"\0")
        if stripped and all(32 <= b < 127 for b in stripped) and len(stripped) <= 16:
            return stripped.decode()
        return "0x" + value.hex()
    return str(value)


class InvalidDocument(InvalidInput):
    """A document failed validation; `problems` lists every (field path, reason)."""

    code = "invalid-document"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        path, reason = problems[0]
        if len(problems) == 1:
            super().__init__(reason, path=path or None)
            return
        # every problem, so a user fixes the document in one pass
        listed = "; ".join(f"{p}: {r}" if p else r for p, r in problems)
        super().__init__(f"{len(problems)} problems: {listed}", path=None)


class NotIssued(InvalidInput):
    """A plain document (valid as a known document type) given where an issued, wrapped
    certificate is needed: it has no proof, so there is nothing to verify yet."""

    code = "not-issued"

    def __init__(self, source: str, doc_type: str) -> None:
        self.source = source
        self.doc_type = doc_type
        kind = doc_type.replace("-", " ")
        super().__init__(
            f"{source} is a {kind} that has not been issued (no proof): only an issued certificate can be verified",
            path=None,
        )


class SourceUnavailable(LedgerError):
    """An oracle's source (file or URL) cannot be read or is not in the documented format."""

    code = "source-unavailable"

    def __init__(self, source: str, detail: str) -> None:
        self.source = source
        super().__init__(f"cannot read source {source}: {detail}")


class ProofInvalid(LedgerError):
    """A proof bundle does not prove what it says; `step` is the check that failed (header,
    account proof, code hash, storage proof of a slot, bundle), `reason` what was wrong."""

    code = "proof-invalid"

    def __init__(self, step: str, reason: str) -> None:
        self.step = step
        self.reason = reason
        super().__init__(f"{step}: {reason}")


# a contract's custom error name -> its readable message from the revert's values
RevertMessages = Mapping[str, Callable[[dict[str, Any]], str]]


@contextmanager
def readable_reverts(messages: RevertMessages) -> Iterator[None]:
    """Re-raise contract reverts inside the block with the message `messages` words for their
    error (the class stays the decoded one, so callers still catch `ContractRevert.for_error(name)`)."""
    try:
        yield
    except ContractRevert as exc:
        render = messages.get(exc.name)
        if render is not None:
            try:
                text = render(exc.values)
            except (KeyError, ValueError):
                raise exc from None  # values not as this release knows them: the decoded message stands
            exc.message = f"{text} ({exc.name})"
            exc.args = (exc.message,)
        raise exc from None
