// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {CertificateRegistryV2} from "./upgrades/CertificateRegistryV2.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

/// @notice A batch names its destination: recorded, announced, refused when it is the issuing
/// member or no country code, marked when it is a country outside the consortium (then never
/// drawn on), and held against the leaf's importing member on utilization.
contract CertificateRegistry_destination_Test is CertificateRegistryBaseTest {
    bytes32 internal newRoot = keccak256("destined-batch");
    /// @dev CertificateRegistry's `_destinations` slot (after _batches, _certificates,
    /// _successors, _numbers, _declarations; checked against the view below).
    uint256 internal constant DESTINATIONS_SLOT = 5;

    function _destinationSlot(bytes32 batchRoot) internal pure returns (bytes32) {
        bytes32 batchId = keccak256(abi.encode(batchRoot, CERTIFICATE_OF_ORIGIN));
        return keccak256(abi.encode(batchId, DESTINATIONS_SLOT));
    }

    function _expectInvalid(bytes32 destination) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidDestination.selector, destination
            )
        );
    }

    function test_RecordsTheDestination() public {
        assertEq(registry.batchDestination(root, CERTIFICATE_OF_ORIGIN), SG, "setUp batch");
        vm.prank(sgIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, CN, 3, 0);
        assertEq(registry.batchDestination(newRoot, CERTIFICATE_OF_ORIGIN), CN, "SG's batch to CN");
        assertEq(
            vm.load(address(registry), _destinationSlot(newRoot)), CN, "kept where the layout says"
        );
    }

    function test_NeverIssuedHasNoDestination() public view {
        assertEq(registry.batchDestination(newRoot, CERTIFICATE_OF_ORIGIN), bytes32(0), "unknown");
        assertEq(registry.batchDestination(root, PHYTOSANITARY), bytes32(0), "other type");
    }

    function test_EmitsCertificatesDestinedAfterCertificatesIssued() public {
        vm.expectEmit(address(registry));
        emit ICertificateRegistry.CertificatesIssued(
            newRoot, CERTIFICATE_OF_ORIGIN, cnChamber, CN, 4, EXPIRY
        );
        vm.expectEmit(address(registry));
        emit ICertificateRegistry.CertificatesDestined(newRoot, CERTIFICATE_OF_ORIGIN, SG, CN);
        vm.prank(cnChamber);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 4, EXPIRY);
    }

    function test_RevertWhen_DestinationIsTheIssuersOwnMember() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryOwnDestination.selector, CN
            )
        );
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, CN, 1, 0);
    }

    /// @dev A country outside the consortium: issued, the batch marked as destined outside,
    /// the view answering the plain code.
    function test_IssuesToACountryOutsideTheConsortium() public {
        vm.expectEmit(address(registry));
        emit ICertificateRegistry.CertificatesDestined(newRoot, CERTIFICATE_OF_ORIGIN, TH, CN);
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, TH, 1, 0);
        assertEq(registry.batchDestination(newRoot, CERTIFICATE_OF_ORIGIN), TH, "plain code");
        assertTrue(registry.destinedOutside(newRoot, CERTIFICATE_OF_ORIGIN), "outside");
        assertFalse(registry.destinedOutside(root, CERTIFICATE_OF_ORIGIN), "setUp batch to SG");
        assertFalse(registry.destinedOutside(newRoot, PHYTOSANITARY), "never issued");
    }

    function test_RevertWhen_DestinationIsNotACountryCode() public {
        bytes32[6] memory malformed = [
            bytes32("th"),
            bytes32("T1"),
            bytes32("THA"),
            bytes32("T"),
            bytes32(uint256(1)),
            bytes32("TH") | bytes32(uint256(1))
        ];
        for (uint256 i = 0; i < malformed.length; ++i) {
            _expectInvalid(malformed[i]);
            vm.prank(cnIssuer);
            registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, malformed[i], 1, 0);
        }
    }

    function test_RevertWhen_DestinationIsZero() public {
        _expectInvalid(bytes32(0));
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, bytes32(0), 1, 0);
    }

    /// @dev A member that left is a country outside the consortium like any other.
    function test_AMemberThatLeftIsOutside() public {
        _removeMember(SG);
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 1, 0);
        assertTrue(registry.destinedOutside(newRoot, CERTIFICATE_OF_ORIGIN), "outside");
    }

    /// @dev A batch to TH while TH is outside: TH's customs may not draw on it even once TH has
    /// joined (what was drawn before it joined is recorded nowhere), nor may anyone record a
    /// delivery to it.
    function test_RevertWhen_DrawingOnABatchIssuedOutsideEvenAfterTheCountryJoined() public {
        bytes32 doc = keccak256("outside");
        bytes32[] memory l = new bytes32[](1);
        l[0] = Merkle.leaf(doc, 10, keccak256("CO-TH-1"), TH);
        bytes32 thRoot = Merkle.root(l);
        vm.prank(cnIssuer);
        registry.issue(thRoot, CERTIFICATE_OF_ORIGIN, TH, 1, 0);
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.prank(sgCustoms);
        consortium.approve(id);
        address thKey = _actor("th-customs-key");
        _accredit(thCustoms, thKey, CUSTOMS_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryDestinedOutside.selector,
                thRoot,
                CERTIFICATE_OF_ORIGIN,
                TH
            )
        );
        vm.prank(thKey);
        registry.utilize(
            thRoot,
            CERTIFICATE_OF_ORIGIN,
            doc,
            10,
            keccak256("CO-TH-1"),
            TH,
            Merkle.proof(l, 0),
            keccak256("d"),
            1
        );
        bytes[] memory d = new bytes[](1);
        d[0] = abi.encodePacked(bytes4(0x01551220), keccak256("cid"));
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryDestinedOutside.selector,
                thRoot,
                CERTIFICATE_OF_ORIGIN,
                TH
            )
        );
        vm.prank(cnIssuer);
        registry.recordDeliveries(thRoot, CERTIFICATE_OF_ORIGIN, l, d);
    }

    /// @dev Only accredited issuers reach the destination check: everyone else is refused as
    /// before, whatever destination they name.
    function test_RevertWhen_NotAnIssuerWhateverTheDestination() public {
        address[5] memory callers = [sgCustomsKey, cnCustomsKey, cnCustoms, exporter, stranger];
        bytes32[3] memory destinations = [SG, CN, TH];
        for (uint256 i = 0; i < callers.length; ++i) {
            for (uint256 j = 0; j < destinations.length; ++j) {
                vm.expectRevert(
                    _err(
                        ICertificateRegistry.CertificateRegistryNotIssuer.selector,
                        callers[i],
                        CERTIFICATE_OF_ORIGIN
                    )
                );
                vm.prank(callers[i]);
                registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, destinations[j], 1, 0);
            }
        }
    }

    /// @dev A batch destined to SG whose issuer slipped in a leaf committing to CN: CN's
    /// customs may not draw on it, though the proof and its accreditation hold.
    function test_RevertWhen_LeafCommitsToAnotherMemberThanTheDestination() public {
        bytes32 doc = keccak256("mixed");
        bytes32[] memory mixed = new bytes32[](2);
        mixed[0] = Merkle.leaf(doc, 10, keccak256("CO-MIX-1"), SG);
        mixed[1] = Merkle.leaf(doc, 10, keccak256("CO-MIX-2"), CN);
        bytes32 mixedRoot = Merkle.root(mixed);
        vm.prank(cnIssuer);
        registry.issue(mixedRoot, CERTIFICATE_OF_ORIGIN, SG, 2, 0);
        bytes32[] memory proof = Merkle.proof(mixed, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotDestination.selector,
                mixedRoot,
                CERTIFICATE_OF_ORIGIN,
                CN,
                SG
            )
        );
        vm.prank(cnCustomsKey);
        registry.utilize(
            mixedRoot,
            CERTIFICATE_OF_ORIGIN,
            doc,
            10,
            keccak256("CO-MIX-2"),
            CN,
            proof,
            keccak256("d"),
            1
        );
        // the leaf committing to the destination is used as always
        vm.prank(sgCustomsKey);
        registry.utilize(
            mixedRoot,
            CERTIFICATE_OF_ORIGIN,
            doc,
            10,
            keccak256("CO-MIX-1"),
            SG,
            Merkle.proof(mixed, 0),
            keccak256("d"),
            1
        );
    }

    /// @dev A batch recorded without a destination (zero: unknown, as for a batch kept before
    /// destinations were recorded) is used as before: the leaf's importing member decides.
    function test_ABatchWithoutADestinationIsUsedByTheLeafsImportingMember() public {
        vm.store(address(registry), _destinationSlot(root), bytes32(0));
        assertEq(registry.batchDestination(root, CERTIFICATE_OF_ORIGIN), bytes32(0), "unknown");
        assertEq(_utilize(sgCustomsKey, 0, 1000), 99_000, "drawn");
    }

    /// @dev Each version answers for its own batches: the new version knows nothing of a batch
    /// held by the old one (zero: ask the version that holds it).
    function test_EachVersionAnswersForItsOwnBatches() public {
        CertificateRegistryV2 v2 = new CertificateRegistryV2(consortium);
        _list(address(v2));
        vm.prank(sgIssuer);
        v2.issue(newRoot, CERTIFICATE_OF_ORIGIN, CN, 1, 0);
        assertEq(v2.batchDestination(newRoot, CERTIFICATE_OF_ORIGIN), CN, "v2's own batch");
        assertEq(v2.batchDestination(root, CERTIFICATE_OF_ORIGIN), bytes32(0), "v1's batch");
        assertEq(registry.batchDestination(root, CERTIFICATE_OF_ORIGIN), SG, "v1 still answers");
    }

    function _deliveries(uint256 n) internal view returns (bytes32[] memory l, bytes[] memory d) {
        l = new bytes32[](n);
        d = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            l[i] = leaves[i % leaves.length];
            d[i] = abi.encodePacked(bytes4(0x01551220), keccak256(abi.encode("cid", i)));
        }
    }

    function test_DeliveriesAreAnnouncedToTheDestination() public {
        (bytes32[] memory l, bytes[] memory d) = _deliveries(2);
        vm.expectEmit(address(registry));
        emit ICertificateRegistry.CertificateDelivered(root, l[0], SG, CERTIFICATE_OF_ORIGIN, d[0]);
        vm.expectEmit(address(registry));
        emit ICertificateRegistry.CertificateDelivered(root, l[1], SG, CERTIFICATE_OF_ORIGIN, d[1]);
        vm.prank(cnIssuer);
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, l, d);
    }

    /// @dev The issuing member's other issuers, its admin and its customs keys may record a
    /// delivery, as they may suspend.
    function test_TheIssuingSideMayRecordDeliveries() public {
        (bytes32[] memory l, bytes[] memory d) = _deliveries(1);
        address[4] memory callers = [cnIssuer, cnChamber, cnCustoms, cnCustomsKey];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.prank(callers[i]);
            registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, l, d);
        }
    }

    function test_RevertWhen_TheDestinationsSideRecordsADelivery() public {
        (bytes32[] memory l, bytes[] memory d) = _deliveries(1);
        address[3] memory callers = [sgCustomsKey, sgCustoms, sgIssuer];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICertificateRegistry.CertificateRegistryNotBatchIssuer.selector,
                    callers[i],
                    root,
                    CERTIFICATE_OF_ORIGIN
                )
            );
            vm.prank(callers[i]);
            registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, l, d);
        }
    }

    function test_RevertWhen_AStrangerRecordsADelivery() public {
        (bytes32[] memory l, bytes[] memory d) = _deliveries(1);
        vm.expectRevert(
            _err(
                ICertificateRegistry.CertificateRegistryNotIssuer.selector,
                stranger,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(stranger);
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, l, d);
    }

    function test_RevertWhen_TheBatchWasNeverIssued() public {
        (bytes32[] memory l, bytes[] memory d) = _deliveries(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector,
                newRoot,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(cnIssuer);
        registry.recordDeliveries(newRoot, CERTIFICATE_OF_ORIGIN, l, d);
    }

    function test_RevertWhen_TheBatchRecordsNoDestination() public {
        (bytes32[] memory l, bytes[] memory d) = _deliveries(1);
        vm.store(address(registry), _destinationSlot(root), bytes32(0));
        _expectInvalid(bytes32(0));
        vm.prank(cnIssuer);
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, l, d);
    }

    function test_RevertWhen_DeliveryListsAreMalformed() public {
        (bytes32[] memory l, bytes[] memory d) = _deliveries(2);
        bytes32[] memory one = new bytes32[](1);
        one[0] = l[0];
        vm.startPrank(cnIssuer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryLengthMismatch.selector, 1, 2
            )
        );
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, one, d);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryTooManyQueries.selector, 0, 256
            )
        );
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, new bytes32[](0), new bytes[](0));
        (bytes32[] memory many, bytes[] memory manyDocs) = _deliveries(257);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryTooManyQueries.selector, 257, 256
            )
        );
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, many, manyDocs);
        d[1] = "";
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidDocument.selector, bytes("")
            )
        );
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, l, d);
        d[1] = new bytes(65);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidDocument.selector, d[1]
            )
        );
        registry.recordDeliveries(root, CERTIFICATE_OF_ORIGIN, l, d);
        vm.stopPrank();
    }
}
