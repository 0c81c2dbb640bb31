"""`sanzhi docs ...`: encrypted documents off chain, named by content, readable by their recipients."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from eth_utils.address import is_address, to_checksum_address

from cli.context import AsOption, JsonOption, print_json, signing_key, state
from cli.names import shown_account
from ledger.accounts.profiles import get_profile, resolve_account
from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.consortium.names import Names
from ledger.errors import InvalidInput, KeyUnavailable
from ledger.settings import LedgerSettings
from ledger.store.blobs import BlobStore
from ledger.store.cid import ContentId
from ledger.store.documents import get_document, put_document, share_document, verify_document
from ledger.store.envelope import Envelope
from ledger.store.errors import GranterNotAccredited, NoEncryptionKey, NotARecipient
from ledger.store.registry import DocumentRegistryBinding, register_own_key

app = typer.Typer(help="Encrypted documents off chain: put, get, share, verify, sync.", no_args_is_help=True)

CidArg = Annotated[str, typer.Argument(help="The document's content identifier (CIDv1, base32 or base58btc).")]


def blob_store(settings: LedgerSettings) -> BlobStore:
    """The local store under the data directory, and IPFS when SANZHI_IPFS_API names a node."""
    return BlobStore.configured(settings)


def party_address(settings: LedgerSettings, party: str) -> str:
    """An account address, or the address of a profile."""
    text = party.strip()
    if text.lower().startswith("0x"):
        if not is_address(text):
            raise InvalidInput(f"{party!r} is not an account address", path="party")
        return to_checksum_address(text)
    profile = get_profile(settings, text)
    if profile.address:
        return to_checksum_address(profile.address)
    account = resolve_account(settings, text)
    if account is None:
        raise KeyUnavailable(f"profile {text} has no address")
    return str(account.address)


@contextmanager
def _named_refusals(client: LedgerClient) -> Iterator[None]:
    """A refusal that names a party (no key, not a recipient, no longer accredited) says who the party is."""
    try:
        yield
    except NoEncryptionKey as exc:
        raise NoEncryptionKey(exc.party, exc.detail, name=Names.load(client=client).label(exc.party)) from None
    except NotARecipient as exc:
        name = Names.load(client=client).label(exc.account)
        raise NotARecipient(exc.document, exc.account, detail=exc.detail, name=name) from None
    except GranterNotAccredited as exc:
        name = Names.load(client=client).label(exc.account)
        raise GranterNotAccredited(exc.document, exc.account, exc.detail, name=name) from None


@app.command("register-key")
def register_key(ctx: typer.Context, as_: AsOption = None, as_json: JsonOption = False) -> None:
    """Register (or rotate) this party's document encryption key on chain."""
    client = state(ctx).client(as_)
    key, sent = register_own_key(client, signing_key(client, needed_for="registering a key needs its owner's key"))
    if as_json:
        print_json({"account": key.account, "version": key.version, "role": key.role, "tx_hash": sent.tx_hash})
        return
    typer.echo(f"{key.account} encrypts with key version {key.version} (as {key.role} of {key.member_id})")


@app.command("put")
def put(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The document to store.", exists=True, dir_okay=False, readable=True)],
    for_: Annotated[str, typer.Option("--for", help="Recipients: profile names or addresses, comma-separated.")],
    anchor: Annotated[bool, typer.Option("--anchor", help="Anchor the document's name on chain.")] = False,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Encrypt FILE for the sender and the recipients, store it locally (and on IPFS when configured)."""
    cli = state(ctx)
    names = [p for p in (part.strip() for part in for_.split(",")) if p]
    if not names:
        raise InvalidInput("name at least one recipient", path="--for")
    client = cli.client(as_)
    registry = DocumentRegistryBinding(client)
    with _named_refusals(client):
        recipients = [registry.key_of(party_address(cli.settings, name)) for name in names]
    result = put_document(
        source=file,
        sender=signing_key(client, needed_for="putting a document needs the sender's key"),
        recipients=recipients,
        blobs=blob_store(cli.settings),
        registry=registry,
        anchor=anchor,
    )
    labels = {a: n.label for a, n in Names.load(client=client).accounts(result.recipients).items()}
    if as_json:
        print_json({**result.model_dump(mode="json"), "names": labels})
    else:
        shown = ", ".join(shown_account(a, labels.get(a)) for a in result.recipients)
        typer.echo(f"{result.cid}  ({result.size} bytes, for {shown})")
        if result.anchored_tx:
            typer.echo(f"anchored in {result.anchored_tx}")
    if result.pending_push:
        typer.echo(f"warning: kept locally, not yet on IPFS ({result.pending_push}); run `sanzhi docs sync`", err=True)


def fetch_document(
    settings: LedgerSettings, *, cid: ContentId, profile: str | None, out: Path, client: LedgerClient | None = None
) -> Envelope:
    """Decrypt a stored document into `out` as `profile` (a recipient), through `client` when the
    command built one for that profile already."""
    client = client or build_client(settings, profile)
    return get_document(
        cid=cid,
        account=signing_key(client, needed_for="this command needs the reader's key"),
        blobs=blob_store(settings),
        registry=DocumentRegistryBinding(client),
        out=out,
    )


@app.command("get")
def get(
    ctx: typer.Context,
    cid: CidArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the decrypted document.")],
    as_: AsOption = None,
) -> None:
    """Decrypt a document this party is a recipient of."""
    settings = state(ctx).settings
    client = build_client(settings, as_)
    with _named_refusals(client):
        envelope = fetch_document(settings, cid=ContentId.parse(cid), profile=as_, out=out, client=client)
    sender = shown_account(envelope.created_by, Names.load(client=client).label(envelope.created_by))
    typer.echo(f"wrote {out} ({envelope.size} bytes, from {sender})")


@app.command("share")
def share(
    ctx: typer.Context,
    cid: CidArg,
    with_: Annotated[str, typer.Option("--with", help="The new recipient: a profile name or an address.")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give one more party the document's key; the document itself is not re-encrypted."""
    cli = state(ctx)
    client = cli.client(as_)
    registry = DocumentRegistryBinding(client)
    with _named_refusals(client):
        result = share_document(
            cid=ContentId.parse(cid),
            account=signing_key(client, needed_for="sharing a document needs a recipient's key"),
            party=registry.key_of(party_address(cli.settings, with_)),
            blobs=blob_store(cli.settings),
            registry=registry,
        )
    label = Names.load(client=client).label(result.recipient)
    recipient = shown_account(result.recipient, label)
    if as_json:
        print_json({**result.model_dump(mode="json"), "recipient_name": label})
    elif result.already:
        typer.echo(f"{recipient} can already read {result.cid}")
    else:
        typer.echo(f"{recipient} can now read {result.cid} (envelope {result.envelope})")


@app.command("verify")
def verify(ctx: typer.Context, cid: CidArg, as_json: JsonOption = False) -> None:
    """Check a document's content against its name and the anchor on chain (no key needed)."""
    cli = state(ctx)
    result = verify_document(
        cid=ContentId.parse(cid), blobs=blob_store(cli.settings), registry=DocumentRegistryBinding(cli.client())
    )
    if as_json:
        print_json({**result.model_dump(mode="json"), "valid": result.valid})
    else:
        typer.echo(("VALID  " if result.valid else "INVALID  ") + result.reason)
    if not result.valid:
        raise typer.Exit(1)


@app.command("sync")
def sync(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Push to IPFS what could not be pushed when it was stored."""
    cli = state(ctx)
    if not cli.settings.ipfs_api:
        raise InvalidInput("no IPFS node configured: set SANZHI_IPFS_API", path="ipfs")
    report = blob_store(cli.settings).sync()
    if as_json:
        print_json(report)
    else:
        typer.echo(f"pushed {len(report.pushed)}, still pending {len(report.still_pending)}")
    if report.error:
        typer.echo(f"error: {report.error}", err=True)
        raise typer.Exit(1)
