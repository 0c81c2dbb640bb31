// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {DocumentRegistryBaseTest} from "./DocumentRegistry.t.sol";
import {StatisticsRegistryBaseTest} from "./StatisticsRegistryBaseTest.sol";
import {DocumentRegistry} from "../src/DocumentRegistry.sol";
import {StatisticsRegistry} from "../src/StatisticsRegistry.sol";
import {IDocumentRegistry} from "../src/interfaces/IDocumentRegistry.sol";
import {IStatisticsRegistry} from "../src/interfaces/IStatisticsRegistry.sol";
import {RegistryNotActive} from "../src/interfaces/IConsortium.sol";

/// @notice Across versions of DocumentRegistry: a document is anchored once over all of them and
/// its envelopes go where it was anchored; a key registered on an older version stays in force
/// after an upgrade and is revoked where it is held.
contract DocumentRegistry_upgrade_Test is DocumentRegistryBaseTest {
    bytes32 internal constant DOC_2 = keccak256("encrypted document 2");

    DocumentRegistry internal v2;

    function setUp() public override {
        super.setUp();
        v2 = new DocumentRegistry(consortium);
    }

    /// @dev cnTrader registered KEY_A on v1 and anchored DOC there; then v2 is voted in.
    function _v1RecordsThenUpgrade() internal {
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
        _anchorAs(cnTrader, DOC);
        _list(address(v2));
    }

    function _expectAnchoredOn(bytes32 digest, address holder) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryAnchoredOnOtherVersion.selector, digest, holder
            )
        );
    }

    function _expectKeyOn(address account, address holder) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryKeyOnOtherVersion.selector, account, holder
            )
        );
    }

    function test_TheOldVersionRefusesAnchorsAndKeysAfterTheUpgrade() public {
        _v1RecordsThenUpgrade();
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(registry)));
        _anchorAs(cnTrader, DOC_2);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(registry)));
        _register(sgOps, KEY_B, CUSTOMS_ROLE, bytes32(0));
    }

    function test_ADigestAnchoredOnV1IsRefusedOnV2() public {
        _v1RecordsThenUpgrade();
        _expectAnchoredOn(DOC, address(registry));
        vm.prank(cnTrader);
        v2.anchor(DOC);
        // anchorOf answers for its own version: v2 holds nothing of DOC
        assertEq(v2.anchorOf(DOC).anchoredBy, address(0), "not on v2");
        assertEq(registry.anchorOf(DOC).anchoredBy, cnTrader, "on v1");
    }

    function test_ADigestAnchoredOnV2IsRefusedOnV1AfterARollback() public {
        _v1RecordsThenUpgrade();
        vm.prank(cnTrader);
        v2.anchor(DOC_2);
        _list(address(registry));
        _expectAnchoredOn(DOC_2, address(v2));
        _anchorAs(cnTrader, DOC_2);
    }

    function test_AKeyRegisteredOnV1AnchorsOnV2WithoutRegisteringAgain() public {
        _v1RecordsThenUpgrade();
        vm.prank(cnTrader);
        v2.anchor(DOC_2);
        IDocumentRegistry.Anchor memory anchored = v2.anchorOf(DOC_2);
        assertEq(anchored.anchoredBy, cnTrader, "anchored on v2");
        assertEq(anchored.memberId, CN, "for CN");
        IDocumentRegistry.EncryptionKey memory key = v2.encryptionKeyOf(cnTrader);
        assertEq(key.publicKey, KEY_A, "v1's key, read by v2");
        assertEq(key.version, 1, "its version");
        assertEq(v2.encryptionKeyHere(cnTrader).version, 0, "nothing registered on v2 itself");
    }

    function test_ARegistrationOnV2ContinuesTheNumberingAndEveryVersionAgrees() public {
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
        _register(cnTrader, KEY_B, TRADE_ROLE, bytes32(0));
        _list(address(v2));
        bytes32 keyC = keccak256("x25519 key c");
        vm.expectEmit(address(v2));
        emit IDocumentRegistry.EncryptionKeyRegistered(cnTrader, CN, 3, keyC, TRADE_ROLE, 0);
        vm.prank(cnTrader);
        v2.registerEncryptionKey(keyC, TRADE_ROLE, bytes32(0));
        assertEq(v2.encryptionKeyOf(cnTrader).version, 3, "after v1's 2");
        // the old version hands out the key in force too, not its own older one
        assertEq(registry.encryptionKeyOf(cnTrader).publicKey, keyC, "v1 reads v2's key");
        assertEq(registry.encryptionKeyHere(cnTrader).publicKey, KEY_B, "v1's own record");
        // and after a rollback, v1 numbers on from v2's key
        _list(address(registry));
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
        assertEq(v2.encryptionKeyOf(cnTrader).version, 4, "never backwards");
    }

    function test_RevertWhen_AKeyIsRevokedOnAVersionThatDoesNotHoldIt() public {
        _v1RecordsThenUpgrade();
        _expectKeyOn(cnTrader, address(registry));
        vm.prank(cnTrader);
        v2.revokeEncryptionKey();
        // revoked where it is held (v1, no longer active): gone on every version
        vm.prank(cnTrader);
        registry.revokeEncryptionKey();
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, cnTrader)
        );
        v2.encryptionKeyOf(cnTrader);
    }

    function test_RevertWhen_TheOldKeyIsRevokedAfterARotationOnV2() public {
        _v1RecordsThenUpgrade();
        vm.prank(cnTrader);
        v2.registerEncryptionKey(KEY_B, TRADE_ROLE, bytes32(0));
        _expectKeyOn(cnTrader, address(v2));
        vm.prank(cnTrader);
        registry.revokeEncryptionKey();
        // where to revoke it, as either version tells
        (address holder, IDocumentRegistry.EncryptionKey memory key) =
            registry.encryptionKeyInForce(cnTrader);
        assertEq(holder, address(v2), "held by v2");
        assertEq(key.publicKey, KEY_B, "the rotated key");
        (holder,) = v2.encryptionKeyInForce(cnTrader);
        assertEq(holder, address(v2), "v2 agrees");
        (holder, key) = v2.encryptionKeyInForce(stranger);
        assertEq(holder, address(0), "a stranger's: nowhere");
        assertEq(key.version, 0, "and empty");
    }

    function test_ARevokedKeyIsNotRevivedByAnOlderVersionsKey() public {
        _v1RecordsThenUpgrade();
        vm.prank(cnTrader);
        v2.registerEncryptionKey(KEY_B, TRADE_ROLE, bytes32(0));
        vm.prank(cnTrader);
        v2.revokeEncryptionKey();
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, cnTrader)
        );
        v2.encryptionKeyOf(cnTrader);
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, cnTrader)
        );
        registry.encryptionKeyOf(cnTrader);
    }

    function test_EnvelopesArePublishedOnTheVersionThatAnchored() public {
        _v1RecordsThenUpgrade();
        _expectAnchoredOn(DOC, address(registry));
        vm.prank(cnTrader);
        v2.publishEnvelope(DOC, ENVELOPE_CID);
        // v1 takes envelopes of its documents after the upgrade
        vm.prank(cnTrader);
        registry.publishEnvelope(DOC, ENVELOPE_CID);
        assertEq(keccak256(registry.envelopeOf(DOC, cnTrader)), keccak256(ENVELOPE_CID), "on v1");
        assertEq(v2.envelopeOf(DOC, cnTrader).length, 0, "nothing on v2");
        // a document anchored nowhere is not anchored
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNotAnchored.selector, DOC_2)
        );
        vm.prank(cnTrader);
        v2.publishEnvelope(DOC_2, ENVELOPE_CID);
    }

    function test_AnUnlistedLookAlikeRefusesWrites() public {
        _v1RecordsThenUpgrade();
        DocumentRegistry lookAlike = new DocumentRegistry(consortium);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(lookAlike)));
        vm.prank(cnTrader);
        lookAlike.anchor(DOC_2);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(lookAlike)));
        vm.prank(sgOps);
        lookAlike.registerEncryptionKey(KEY_B, CUSTOMS_ROLE, bytes32(0));
        _expectKeyOn(cnTrader, address(registry));
        vm.prank(cnTrader);
        lookAlike.revokeEncryptionKey();
        _expectAnchoredOn(DOC, address(registry));
        vm.prank(cnTrader);
        lookAlike.publishEnvelope(DOC, ENVELOPE_CID);
    }
}

/// @notice Across versions of StatisticsRegistry: a table's revisions are one history, numbered
/// over every version, and a commit repeating the latest of them (wherever it is) is refused.
contract StatisticsRegistry_upgrade_Test is StatisticsRegistryBaseTest {
    StatisticsRegistry internal v2;

    function setUp() public override {
        super.setUp();
        v2 = new StatisticsRegistry(consortium);
    }

    function _commitOn(StatisticsRegistry on, bytes32 root) internal returns (uint256) {
        vm.prank(cnOracle);
        return on.commit(EXPORT, SG, OCTOBER, root, ROWS, CID_DIGEST);
    }

    function _expectUnchanged(uint256 revisionNumber) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryUnchanged.selector,
                CN,
                EXPORT,
                SG,
                OCTOBER,
                revisionNumber
            )
        );
    }

    function test_TheOldVersionRefusesCommitsAfterTheUpgrade() public {
        _commitOctober();
        _list(address(v2));
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(registry)));
        _commitOn(registry, ROOT_2);
    }

    function test_RevisionNumbersContinueAcrossVersions() public {
        assertEq(_commitOn(registry, ROOT), 1, "v1 first");
        vm.warp(block.timestamp + 1 days);
        assertEq(_commitOn(registry, ROOT_2), 2, "v1 second");
        _list(address(v2));
        vm.warp(block.timestamp + 1 days);
        vm.expectEmit(address(v2));
        emit IStatisticsRegistry.StatisticsCommitted(
            CN, SG, OCTOBER, EXPORT, 3, ROOT, ROWS, CID_DIGEST, cnOracle
        );
        assertEq(_commitOn(v2, ROOT), 3, "numbered after v1's two");
        // the views answer for their own version
        assertEq(registry.revisionCount(CN, EXPORT, SG, OCTOBER), 2, "v1's own");
        assertEq(v2.revisionCount(CN, EXPORT, SG, OCTOBER), 1, "v2's own");
    }

    function test_RevertWhen_AV2CommitRepeatsTheLatestV1Revision() public {
        _commitOn(registry, ROOT);
        vm.warp(block.timestamp + 1 days);
        _commitOn(registry, ROOT_2);
        _list(address(v2));
        _expectUnchanged(2);
        _commitOn(v2, ROOT_2);
        // an earlier revision's root is a change
        assertEq(_commitOn(v2, ROOT), 3, "back to the first root");
    }

    function test_AfterARollbackTheLatestIsTheNewestOverAllVersions() public {
        _commitOn(registry, ROOT);
        _list(address(v2));
        vm.warp(block.timestamp + 1 days);
        _commitOn(v2, ROOT_2);
        _list(address(registry));
        // v1's own latest is ROOT, but the table's latest is v2's ROOT_2
        _expectUnchanged(2);
        _commitOn(registry, ROOT_2);
        assertEq(_commitOn(registry, ROOT), 3, "ROOT again is a revision");
        assertEq(registry.revisionCount(CN, EXPORT, SG, OCTOBER), 2, "v1 holds 1 and 3");
    }

    function test_OnATieTheLaterListedVersionIsTheLatest() public {
        // v1 and v2 commit in the same second, then v1 is voted back in (still that second):
        // v2's revision is the latest, though v1 asks and v1's own is as recent
        _commitOn(registry, ROOT);
        _list(address(v2));
        _commitOn(v2, ROOT_2);
        _list(address(registry));
        _expectUnchanged(2);
        _commitOn(registry, ROOT_2);
    }

    function test_AnUnlistedLookAlikeRefusesCommits() public {
        _commitOctober();
        StatisticsRegistry lookAlike = new StatisticsRegistry(consortium);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(lookAlike)));
        _commitOn(lookAlike, ROOT_2);
    }
}
