"""What every CLI command shares: settings from global options, clients, output.

Every command imports this module, so it imports no chain code itself: the contracts and the
chain client (web3, eth-account: most of a second) come when a command asks for them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import BaseModel

from ledger.errors import InvalidInput, KeyUnavailable
from ledger.settings import LedgerSettings

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ledger.chain.artifacts import Artifacts
    from ledger.chain.client import LedgerClient


@dataclass
class CliState:
    settings: LedgerSettings

    def artifacts(self) -> Artifacts:
        """The compiled contracts, without reaching a node (offline checks)."""
        from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts

        return Artifacts(self.settings.artifacts_dir or DEFAULT_ARTIFACTS_DIR)

    def client(self, profile: str | None = None) -> LedgerClient:
        from ledger.connect import build_client

        return build_client(self.settings, profile)


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState), "the root callback sets the CLI state"
    return obj


def signing_key(client: LedgerClient, *, needed_for: str) -> LocalAccount:
    """The key `client` signs with (its profile's, decrypted once when the client was built)."""
    if client.account is None:
        raise KeyUnavailable(f"{needed_for}: pass --as PROFILE")
    return client.account


def account_address(ctx: typer.Context, value: str) -> str:
    """The checksummed address `value` names: an address, or a profile of the data directory."""
    from eth_utils.address import is_address, to_checksum_address

    from ledger.accounts.profiles import load_profiles

    if is_address(value):
        return to_checksum_address(value)
    profile = load_profiles(state(ctx).settings.data_dir).profiles.get(value)
    if profile is None or profile.address is None:
        raise InvalidInput(f"{value!r} is neither an account address nor a known profile", path="account")
    return profile.address


AsOption = Annotated[
    str | None,
    typer.Option("--as", help="Profile whose key signs (default: SANZHI_PROFILE).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def print_json(value: Any) -> None:
    typer.echo(json.dumps(_jsonable(value), indent=2, ensure_ascii=False))


def print_rows(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> None:
    """A plain aligned table."""
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def short_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value else "-"


def report_figures(figures: dict[str, Any], out: Path, as_json: bool) -> None:
    """A benchmark's figures: JSON, or one `key value` line each; where they were written."""
    if as_json:
        print_json(figures)
    else:
        for key, value in figures.items():
            typer.echo(f"{key:<32} {value}")
    typer.echo(f"written to {out}", err=True)


def recorded_address(deployments: Path, chain_id: int, contract: str, option: str = "--registry") -> str:
    """`contract`'s address in the local deployment record for `chain_id` (read offline): what a
    verifier trusts when it names nothing else."""
    from ledger.chain.deployments import load_deployment

    record = load_deployment(deployments, chain_id)
    if record is None or contract not in record.contracts:
        raise InvalidInput(
            f"no deployment record of {contract} on chain {chain_id}: name the one you trust ({option})",
            path=option.removeprefix("--"),
        )
    return record.contracts[contract].address
