"""The founding vote lists the first deployment of every kind; a rerun proposes nothing, and a
consortium that has moved on is never rolled back to its first deployments."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.chain.deploy import Founder, deploy_all
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.founding import list_founding_registries
from ledger.consortium.registries import REGISTRY_KINDS
from ledger.devnet.consortium import dev_address
from ledger.errors import ConfigurationError, ContractRevert
from tests.support import Chain


def test_the_founding_vote_lists_every_kind_once(chain: Chain, tmp_path: Path) -> None:
    admin = chain.client("th-admin")  # an account no session consortium uses as admin
    founder = Founder(member_id="TH", name="Thai Customs", admin=dev_address("th-admin"))
    deployed = deploy_all(client=admin, deployments_dir=tmp_path, founders=[founder], threshold=1).deployment
    admin.deployment = deployed
    consortium = ConsortiumBinding(admin)
    # deployed but not listed yet: inert
    assert consortium.registry_kinds() == []
    founding = list_founding_registries([admin], deployed)
    assert founding is not None
    assert founding.executed
    proposal = consortium.proposal(founding.proposal_id)
    assert proposal.kind == "list-registries"
    assert proposal.registries == {kind: deployed.contracts[kind].address for kind in REGISTRY_KINDS}
    for kind in REGISTRY_KINDS:
        listing = consortium.registry_listing(deployed.contracts[kind].address)
        assert (listing.kind, listing.version, listing.active) == (kind, 1, True)
        assert consortium.active_registry(kind) == deployed.contracts[kind].address
    assert list_founding_registries([admin], deployed) is None  # a rerun proposes nothing


def test_a_listing_is_refused_for_what_is_not_a_registry_of_that_kind(chain: Chain) -> None:
    admin = ConsortiumBinding(chain.client("cn-admin"))
    aeo = chain.client().address_of("AeoRegistry")
    with pytest.raises(ContractRevert, match="ConsortiumRegistryOfOtherKind"):
        admin.propose_list_registries({"CertificateRegistry": aeo})
    with pytest.raises(ContractRevert, match="ConsortiumNotARegistryOfKind"):
        admin.propose_list_registries({"CertificateRegistry": dev_address("exporter")})  # no code
    with pytest.raises(ContractRevert, match="ConsortiumRegistryAlreadyActive"):
        admin.propose_list_registries({"AeoRegistry": aeo})


def test_a_consortium_of_an_earlier_build_is_named_clearly(chain: Chain) -> None:
    # what `sanzhi up` meets on a development chain kept from a sanzhi before registry listing:
    # a Consortium without registryKinds (here: another contract in its place)
    admin = chain.client("cn-admin")
    assert admin.deployment is not None
    old = admin.deployment.model_copy(deep=True)
    old.contracts["Consortium"] = old.contracts["DocumentRegistry"]
    admin.deployment = old
    with pytest.raises(ConfigurationError, match=r"does not list registries: it was deployed by an earlier sanzhi"):
        list_founding_registries([admin], old)
