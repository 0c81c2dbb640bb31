"""Whether a production service can sign for the roles it serves, checked before it starts
(`sanzhi serve` with SANZHI_ENV=prod) rather than on the first write.

A role is needed when the service is given a profile for it (`--signer ROLE=PROFILE`) or when
the organisation has a usable API key of a role whose routes write: issuer, customs, admin and
oracle. Auditor keys only read; a trader key reads its own party's records, and writes only
when the service's trader profile is that party's account (refused in words otherwise), so
neither needs a profile to serve. Each needed profile must exist and hold a key that is not one
of the public test mnemonic's.
"""

from __future__ import annotations

from collections import Counter

from api.keystore import ApiRole, KeyStore
from api.settings import ServiceSettings
from ledger.accounts.profiles import resolve_account
from ledger.errors import LedgerError
from ledger.settings import LedgerSettings

# roles whose keys write through the service's signer for that role
WRITING_ROLES = (ApiRole.ISSUER, ApiRole.CUSTOMS, ApiRole.ADMIN, ApiRole.ORACLE)


def signing_problems(*, settings: LedgerSettings, service: ServiceSettings, keys: KeyStore) -> list[str]:
    """One line per role the service needs and cannot sign for; empty when it can sign for all
    (and always outside production, where missing roles default to development profiles)."""
    organisation = service.organisation
    if settings.env != "prod" or organisation is None:
        return []
    held = Counter(k.role for k in keys.list(organisation=organisation, include_revoked=False))
    profiles = service.signer_profiles(dev=False)
    needed = [r for r in ApiRole if r.value in profiles or (r in WRITING_ROLES and held[r])]
    problems = []
    for role in needed:
        profile = profiles.get(role.value)
        if profile is None:
            problems.append(
                f"the {role.value} role has no signing profile, but {organisation} has {held[role]} usable "
                f"{role.value} key(s) whose writes would fail: give --signer {role.value}=PROFILE or revoke them"
            )
            continue
        try:
            resolve_account(settings, profile)
        except LedgerError as exc:
            problems.append(f"the {role.value} role's signing profile {profile!r}: {exc.message}")
    return problems
