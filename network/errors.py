"""What `sanzhi network` refuses, one class per failure; messages are built here."""

from __future__ import annotations

from pathlib import Path

from ledger.errors import LedgerError


class NetworkError(LedgerError):
    """Root of the network configuration errors."""

    code = "network"


class NetworkDirExists(NetworkError):
    code = "network-dir-exists"

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} already holds a network; pass --force to replace it (its keys are lost)")


class NotEmptyNotNetwork(NetworkError):
    code = "not-a-network-dir"

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} is not empty and holds no network (no network.json); choose another --out")


class NotANetworkDir(NetworkError):
    code = "not-a-network-dir"

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(f"{path} is not a sanzhi network directory: {detail}")


class InvalidMembers(NetworkError):
    code = "invalid-members"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"--members: {reason}")


class InvalidHost(NetworkError):
    code = "invalid-host"

    def __init__(self, given: str, reason: str) -> None:
        self.given = given
        super().__init__(f"--host {given}: {reason}")


class InvalidNetworkOption(NetworkError):
    code = "invalid-network-option"

    def __init__(self, option: str, reason: str) -> None:
        self.option = option
        super().__init__(f"{option}: {reason}")


class WeakPassword(NetworkError):
    code = "weak-password"

    def __init__(self, reason: str) -> None:
        super().__init__(f"keystore password refused: {reason}")


class MemberAlreadyInNetwork(NetworkError):
    code = "member-exists"

    def __init__(self, member_id: str) -> None:
        self.member_id = member_id
        super().__init__(f"{member_id} is already a member of this network")


class ExtraDataInvalid(NetworkError):
    code = "extradata-invalid"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"not QBFT extraData: {reason}")


class NetworkFileInvalid(NetworkError):
    code = "network-file-invalid"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NetworkCheckFailed(NetworkError):
    code = "network-check-failed"

    def __init__(self, path: Path, errors: list[str]) -> None:
        self.errors = errors
        first = errors[0] if errors else "unknown problem"
        more = f" (and {len(errors) - 1} more; run `sanzhi network check {path}`)" if len(errors) > 1 else ""
        super().__init__(f"{path} fails its check: {first}{more}")


class UnknownMember(NetworkError):
    code = "unknown-member"

    def __init__(self, member_id: str, members: list[str]) -> None:
        super().__init__(f"{member_id} is not a member of this network ({', '.join(members)})")


class KeyFileMismatch(NetworkError):
    code = "key-file-mismatch"

    def __init__(self, path: Path, member_id: str) -> None:
        super().__init__(f"{path} holds another node key than {member_id}'s; move it away first")


class ChangeUnfinished(NetworkError):
    code = "change-unfinished"

    def __init__(self, description: str, action: str, member_id: str) -> None:
        self.member_id = member_id
        again = f"`sanzhi network {action}-member` for {member_id}"
        super().__init__(f"{description} did not finish; run {again} again first")


class LastMember(NetworkError):
    code = "last-member"

    def __init__(self, member_id: str) -> None:
        super().__init__(f"{member_id} is the network's last member; a network needs one validator")


class InvalidNodeId(NetworkError):
    code = "invalid-node-id"

    def __init__(self, given: str, reason: str) -> None:
        shown = given if len(given) <= 24 else given[:20] + "..."
        super().__init__(f"node id {shown}: {reason}")


class KeyHeldByMember(NetworkError):
    code = "key-held-by-member"

    def __init__(self, member_id: str) -> None:
        super().__init__(f"{member_id} holds its node key itself: name its keystore with --keystore")


class KeystoreExists(NetworkError):
    code = "keystore-exists"

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} exists; a node key is never overwritten: choose another --out")
