// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {CertificateRegistry} from "../src/CertificateRegistry.sol";
import {Consortium} from "../src/Consortium.sol";
import {AeoRegistry} from "../src/AeoRegistry.sol";
import {EvidenceRegistry} from "../src/EvidenceRegistry.sol";
import {DocumentRegistry} from "../src/DocumentRegistry.sol";
import {StatisticsRegistry} from "../src/StatisticsRegistry.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";
import {IStatisticsRegistry} from "../src/interfaces/IStatisticsRegistry.sol";
import {IConsortium, RegistryNotActive} from "../src/interfaces/IConsortium.sol";

/// @notice The consortium lists its registries by vote, one active version per kind; a
/// registry takes new issuance only while it is that version.
contract Consortium_registries_Test is CertificateRegistryBaseTest {
    bytes32 internal constant CERTIFICATES = "CertificateRegistry";

    function _propose(bytes32 kind, address registry) internal returns (uint256) {
        bytes32[] memory kinds = new bytes32[](1);
        kinds[0] = kind;
        address[] memory registries = new address[](1);
        registries[0] = registry;
        vm.prank(cnCustoms);
        return consortium.proposeListRegistries(kinds, registries);
    }

    function _expectNotActive(address registry) internal {
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, registry));
    }

    function test_FoundingListingIsVersionOneActiveSinceTheVote() public view {
        IConsortium.RegistryListing memory listing = consortium.registryListing(address(registry));
        assertEq(listing.kind, CERTIFICATES, "kind");
        assertEq(uint256(listing.version), 1, "version");
        assertEq(listing.intervals.length, 1, "one interval");
        assertEq(uint256(listing.intervals[0].until), 0, "open");
        assertEq(consortium.activeRegistry(CERTIFICATES), address(registry), "active");
        assertTrue(consortium.isActiveRegistry(address(registry)), "isActive");
        assertEq(consortium.registryKinds().length, 1, "kinds");
    }

    function test_ListingWaitsForTheThreshold() public {
        CertificateRegistry v2 = new CertificateRegistry(consortium);
        uint256 id = _propose(CERTIFICATES, address(v2));
        assertEq(consortium.activeRegistry(CERTIFICATES), address(registry), "v1 until the vote");
        (bytes32[] memory kinds, address[] memory registries) = consortium.proposedListings(id);
        assertEq(kinds[0], CERTIFICATES, "proposed kind");
        assertEq(registries[0], address(v2), "proposed registry");
        vm.prank(sgCustoms);
        consortium.approve(id);
        assertEq(consortium.activeRegistry(CERTIFICATES), address(v2), "v2 after the vote");
    }

    function test_UpgradeClosesTheOldIntervalAndRollbackReopensIt() public {
        uint64 t1 = uint64(block.timestamp);
        CertificateRegistry v2 = new CertificateRegistry(consortium);
        vm.warp(block.timestamp + 1 days);
        _list(address(v2));
        uint64 t2 = uint64(block.timestamp);
        assertEq(uint256(consortium.registryListing(address(v2)).version), 2, "v2");
        assertFalse(consortium.isActiveRegistry(address(registry)), "v1 replaced");
        assertEq(
            uint256(consortium.registryListing(address(registry)).intervals[0].until),
            t2,
            "v1 closed"
        );

        vm.warp(block.timestamp + 1 days);
        _list(address(registry)); // roll back: v1 again, still version 1
        uint64 t3 = uint64(block.timestamp);
        IConsortium.RegistryListing memory v1 = consortium.registryListing(address(registry));
        assertEq(uint256(v1.version), 1, "still version 1");
        assertEq(v1.intervals.length, 2, "two intervals");
        assertEq(uint256(v1.intervals[1].since), t3, "reopened");
        assertEq(consortium.registryVersions(CERTIFICATES).length, 2, "two versions");

        assertTrue(
            consortium.wasActiveRegistry(address(registry), t1 + 1 hours),
            "v1 in its first interval"
        );
        assertTrue(consortium.wasActiveRegistry(address(registry), t2), "closed at both ends");
        assertFalse(
            consortium.wasActiveRegistry(address(registry), t2 + 1 hours), "v1 not while v2 was"
        );
        assertTrue(consortium.wasActiveRegistry(address(v2), t2 + 1 hours), "v2 in its interval");
        assertFalse(consortium.wasActiveRegistry(address(v2), t3 + 1), "v2 after the rollback");
        assertFalse(consortium.wasActiveRegistry(address(v2), t1), "v2 before it was listed");
    }

    function test_ReplacedVersionRefusesNewBatchesButKeepsRevoking() public {
        CertificateRegistry v2 = new CertificateRegistry(consortium);
        _list(address(v2));
        _expectNotActive(address(registry));
        vm.prank(cnIssuer);
        registry.issue(keccak256("late-batch"), CERTIFICATE_OF_ORIGIN, SG, 1, 0);

        vm.prank(cnIssuer);
        registry.revoke(root, CERTIFICATE_OF_ORIGIN, leaves[0], FRAUD);
        assertEq(
            uint256(
                registry.certificateState(root, CERTIFICATE_OF_ORIGIN, leaves[0], numbers[0]).status
            ),
            2, // Revoked
            "revoked on v1 after the upgrade"
        );
        vm.prank(cnIssuer);
        v2.issue(keccak256("new-batch"), CERTIFICATE_OF_ORIGIN, SG, 1, 0);
    }

    function test_UnlistedCopyIsInertEvenForAnAccreditedIssuer() public {
        CertificateRegistry copy = new CertificateRegistry(consortium);
        _expectNotActive(address(copy));
        vm.prank(cnIssuer);
        copy.issue(root, CERTIFICATE_OF_ORIGIN, SG, 5, 0);
    }

    function test_EveryKindRefusesNewIssuanceUnlisted() public {
        AeoRegistry aeo = new AeoRegistry(consortium);
        _expectNotActive(address(aeo));
        vm.prank(cnCustomsKey);
        aeo.certify(keccak256("operator"), 1, 0, 0, bytes32(0), 0);
        _expectNotActive(address(aeo));
        vm.prank(cnCustomsKey);
        aeo.proposeMra(SG, 1, 1, 0);

        EvidenceRegistry evidence = new EvidenceRegistry(consortium);
        _expectNotActive(address(evidence));
        vm.prank(cnCustomsKey);
        evidence.openConsignment(keccak256("ucr"), CN, SG, new IEvidenceRegistry.Party[](0));

        DocumentRegistry documents = new DocumentRegistry(consortium);
        _expectNotActive(address(documents));
        vm.prank(cnIssuer);
        documents.registerEncryptionKey(keccak256("key"), ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _expectNotActive(address(documents));
        vm.prank(cnIssuer);
        documents.anchor(keccak256("document"));

        StatisticsRegistry statistics = new StatisticsRegistry(consortium);
        _expectNotActive(address(statistics));
        vm.prank(cnOracle);
        statistics.commit(
            IStatisticsRegistry.Flow.Export, SG, 202_601, keccak256("rows"), 1, bytes32(0)
        );
    }

    function test_RevertWhen_ALookAlikeNamesAnotherConsortium() public {
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = CN;
        string[] memory names = new string[](1);
        names[0] = "CN";
        address[] memory admins = new address[](1);
        admins[0] = stranger;
        Consortium other = new Consortium(ids, names, admins, 1);
        CertificateRegistry lookAlike = new CertificateRegistry(other);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumNotARegistryOfKind.selector, address(lookAlike), CERTIFICATES
            )
        );
        _propose(CERTIFICATES, address(lookAlike));
    }

    function test_RevertWhen_TheKindIsNotTheRegistrys() public {
        AeoRegistry aeo = new AeoRegistry(consortium);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumNotARegistryOfKind.selector, address(aeo), CERTIFICATES
            )
        );
        _propose(CERTIFICATES, address(aeo));
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumNotARegistryOfKind.selector, stranger, CERTIFICATES
            )
        );
        _propose(CERTIFICATES, stranger); // no code
    }

    function test_RevertWhen_ListedUnderAnotherKindOrActiveAlready() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumRegistryAlreadyActive.selector, address(registry)
            )
        );
        _propose(CERTIFICATES, address(registry));
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumRegistryOfOtherKind.selector, address(registry), CERTIFICATES
            )
        );
        _propose("AeoRegistry", address(registry));
    }

    function test_RevertWhen_TheListingIsMalformed() public {
        vm.prank(cnCustoms);
        vm.expectRevert(IConsortium.ConsortiumInvalidListing.selector);
        consortium.proposeListRegistries(new bytes32[](0), new address[](0));

        vm.prank(cnCustoms);
        vm.expectRevert(IConsortium.ConsortiumInvalidListing.selector);
        consortium.proposeListRegistries(new bytes32[](1), new address[](2));

        CertificateRegistry a = new CertificateRegistry(consortium);
        CertificateRegistry b = new CertificateRegistry(consortium);
        bytes32[] memory kinds = new bytes32[](2);
        (kinds[0], kinds[1]) = (CERTIFICATES, CERTIFICATES);
        address[] memory registries = new address[](2);
        (registries[0], registries[1]) = (address(a), address(b));
        vm.prank(cnCustoms);
        vm.expectRevert(IConsortium.ConsortiumInvalidListing.selector);
        consortium.proposeListRegistries(kinds, registries);

        vm.expectRevert(IConsortium.ConsortiumInvalidListing.selector);
        _propose(bytes32(0), address(a));
    }

    function test_RevertWhen_NotAMemberAdmin() public {
        CertificateRegistry v2 = new CertificateRegistry(consortium);
        bytes32[] memory kinds = new bytes32[](1);
        kinds[0] = CERTIFICATES;
        address[] memory registries = new address[](1);
        registries[0] = address(v2);
        vm.prank(cnIssuer);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortium.ConsortiumNotMemberAdmin.selector, cnIssuer)
        );
        consortium.proposeListRegistries(kinds, registries);
    }

    function test_ExecutionRechecksWhatAnotherVoteChanged() public {
        CertificateRegistry v2 = new CertificateRegistry(consortium);
        uint256 first = _propose(CERTIFICATES, address(v2));
        uint256 second = _propose(CERTIFICATES, address(v2));
        vm.prank(sgCustoms);
        consortium.approve(first);
        vm.prank(sgCustoms);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumRegistryAlreadyActive.selector, address(v2)
            )
        );
        consortium.approve(second);
    }
}
