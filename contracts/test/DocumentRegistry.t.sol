// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {DocumentRegistry} from "../src/DocumentRegistry.sol";
import {IDocumentRegistry} from "../src/interfaces/IDocumentRegistry.sol";

/// @notice DocumentRegistry on the CN+SG consortium: a CN trade party, an SG customs key, a
/// CN certificate-of-origin issuer, and the member admins.
abstract contract DocumentRegistryBaseTest is BaseTest {
    bytes32 internal constant TRADE_ROLE = keccak256("TRADE_ROLE");
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    bytes32 internal constant KEY_A = keccak256("x25519 key a");
    bytes32 internal constant KEY_B = keccak256("x25519 key b");
    bytes32 internal constant DOC = keccak256("encrypted document");
    bytes internal constant ENVELOPE_CID =
        hex"01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

    address internal cnTrader = _actor("cn-trader");
    address internal sgOps = _actor("sg-ops");

    DocumentRegistry internal registry;

    function setUp() public virtual override {
        super.setUp();
        registry = new DocumentRegistry(consortium);
        _list(address(registry));
        _accredit(cnCustoms, cnTrader, TRADE_ROLE, bytes32(0));
        _accredit(sgCustoms, sgOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
    }

    function _register(address account, bytes32 key, bytes32 role, bytes32 scope) internal {
        vm.prank(account);
        registry.registerEncryptionKey(key, role, scope);
    }

    function _anchorAs(address account, bytes32 digest) internal {
        vm.prank(account);
        registry.anchor(digest);
    }
}

contract DocumentRegistry_registerEncryptionKey_Test is DocumentRegistryBaseTest {
    function test_RegistersUnderARoleAndRotates() public {
        vm.expectEmit(address(registry));
        emit IDocumentRegistry.EncryptionKeyRegistered(cnTrader, CN, 1, KEY_A, TRADE_ROLE, 0);
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
        _register(cnTrader, KEY_B, TRADE_ROLE, bytes32(0));
        IDocumentRegistry.EncryptionKey memory key = registry.encryptionKeyOf(cnTrader);
        assertEq(key.publicKey, KEY_B, "rotated key");
        assertEq(key.version, 2, "second version");
        assertEq(key.memberId, CN, "member");
    }

    function test_IssuerRegistersUnderItsCertificateType() public {
        _register(cnIssuer, KEY_A, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(registry.encryptionKeyOf(cnIssuer).memberId, CN, "issuer's member");
    }

    function test_MemberAdminRegistersWithRoleZero() public {
        _register(sgCustoms, KEY_A, bytes32(0), bytes32(0));
        assertEq(registry.encryptionKeyOf(sgCustoms).memberId, SG, "admin's member");
    }

    function test_RevertWhen_TheCallerDoesNotHoldTheRole() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector, cnTrader, CUSTOMS_ROLE, 0
            )
        );
        _register(cnTrader, KEY_A, CUSTOMS_ROLE, bytes32(0));
    }

    function test_RevertWhen_AStrangerRegisters() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector, stranger, bytes32(0), 0
            )
        );
        _register(stranger, KEY_A, bytes32(0), bytes32(0));
    }

    function test_RevertWhen_AnIssuerNamesAnotherCertificateType() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector,
                cnIssuer,
                ISSUER_ROLE,
                PHYTOSANITARY
            )
        );
        _register(cnIssuer, KEY_A, ISSUER_ROLE, PHYTOSANITARY);
    }

    function test_RevertWhen_TheKeyIsZero() public {
        vm.expectRevert(IDocumentRegistry.DocumentRegistryZeroKey.selector);
        _register(cnTrader, bytes32(0), TRADE_ROLE, bytes32(0));
    }

    function testFuzz_OnlyAccreditedAccountsRegister(address account, bytes32 role) public {
        vm.assume(account != cnCustoms && account != sgCustoms);
        vm.assume(account != cnTrader && account != sgOps && account != cnIssuer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector, account, role, 0
            )
        );
        _register(account, KEY_A, role, bytes32(0));
    }
}

contract DocumentRegistry_revokeEncryptionKey_Test is DocumentRegistryBaseTest {
    function test_RevokedKeyIsNoLongerHandedOut() public {
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
        vm.prank(cnTrader);
        registry.revokeEncryptionKey();
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, cnTrader)
        );
        registry.encryptionKeyOf(cnTrader);
    }

    function test_RevertWhen_ThereIsNoKey() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, cnTrader)
        );
        vm.prank(cnTrader);
        registry.revokeEncryptionKey();
    }
}

contract DocumentRegistry_encryptionKeyOf_Test is DocumentRegistryBaseTest {
    function test_RevertWhen_TheAccreditationWasWithdrawn() public {
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
        vm.prank(cnCustoms);
        consortium.withdraw(cnTrader, TRADE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector, cnTrader, TRADE_ROLE, 0
            )
        );
        registry.encryptionKeyOf(cnTrader);
    }

    function test_RevertWhen_TheAccountNeverRegistered() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, sgOps)
        );
        registry.encryptionKeyOf(sgOps);
    }
}

contract DocumentRegistry_anchor_Test is DocumentRegistryBaseTest {
    function setUp() public override {
        super.setUp();
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
    }

    function test_AnchorsOnce() public {
        vm.expectEmit(address(registry));
        emit IDocumentRegistry.DocumentAnchored(DOC, cnTrader, CN);
        _anchorAs(cnTrader, DOC);
        IDocumentRegistry.Anchor memory anchored = registry.anchorOf(DOC);
        assertEq(anchored.anchoredBy, cnTrader, "anchored by");
        assertEq(anchored.memberId, CN, "member");
        assertEq(uint256(anchored.anchoredAt), block.timestamp, "time");
    }

    function test_RevertWhen_AnchoredTwice() public {
        _anchorAs(cnTrader, DOC);
        _register(sgOps, KEY_B, CUSTOMS_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryAlreadyAnchored.selector, DOC, cnTrader
            )
        );
        _anchorAs(sgOps, DOC);
    }

    function test_RevertWhen_TheCallerHasNoKey() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, sgOps)
        );
        _anchorAs(sgOps, DOC);
    }

    function test_RevertWhen_TheCallerWasWithdrawn() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnTrader, TRADE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector, cnTrader, TRADE_ROLE, 0
            )
        );
        _anchorAs(cnTrader, DOC);
    }

    function test_RevertWhen_TheDigestIsZero() public {
        vm.expectRevert(IDocumentRegistry.DocumentRegistryZeroDigest.selector);
        _anchorAs(cnTrader, bytes32(0));
    }
}

contract DocumentRegistry_publishEnvelope_Test is DocumentRegistryBaseTest {
    function setUp() public override {
        super.setUp();
        _register(cnTrader, KEY_A, TRADE_ROLE, bytes32(0));
        _register(sgOps, KEY_B, CUSTOMS_ROLE, bytes32(0));
        _anchorAs(cnTrader, DOC);
    }

    function test_EachPartyKeepsItsOwnEnvelope() public {
        vm.expectEmit(address(registry));
        emit IDocumentRegistry.EnvelopePublished(DOC, sgOps, ENVELOPE_CID);
        vm.prank(sgOps);
        registry.publishEnvelope(DOC, ENVELOPE_CID);
        assertEq(keccak256(registry.envelopeOf(DOC, sgOps)), keccak256(ENVELOPE_CID), "sg's");
        assertEq(registry.envelopeOf(DOC, cnTrader).length, 0, "cn's untouched");
    }

    function test_RevertWhen_TheDocumentIsNotAnchored() public {
        bytes32 other = keccak256("other");
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNotAnchored.selector, other)
        );
        vm.prank(sgOps);
        registry.publishEnvelope(other, ENVELOPE_CID);
    }

    function test_RevertWhen_TheCidIsEmptyOrTooLong() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryInvalidCid.selector, 0, 128)
        );
        vm.prank(sgOps);
        registry.publishEnvelope(DOC, "");
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryInvalidCid.selector, 129, 128)
        );
        vm.prank(sgOps);
        registry.publishEnvelope(DOC, new bytes(129));
    }

    function test_RevertWhen_AWithdrawnPartyPublishes() public {
        vm.prank(sgCustoms);
        consortium.withdraw(sgOps, CUSTOMS_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector, sgOps, CUSTOMS_ROLE, 0
            )
        );
        vm.prank(sgOps);
        registry.publishEnvelope(DOC, ENVELOPE_CID);
    }

    function test_AWithdrawnPartysEarlierEnvelopeStays() public {
        vm.prank(sgOps);
        registry.publishEnvelope(DOC, ENVELOPE_CID);
        vm.prank(sgCustoms);
        consortium.withdraw(sgOps, CUSTOMS_ROLE, bytes32(0));
        assertEq(keccak256(registry.envelopeOf(DOC, sgOps)), keccak256(ENVELOPE_CID), "kept");
    }

    function test_RevertWhen_AWithdrawnPartyPublishesOnACopyThatLooksLikeOurs() public {
        // an unlisted copy reads the same consortium: it does not let a withdrawn party through
        DocumentRegistry copy = new DocumentRegistry(consortium);
        vm.prank(sgCustoms);
        consortium.withdraw(sgOps, CUSTOMS_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDocumentRegistry.DocumentRegistryNotAccredited.selector, sgOps, CUSTOMS_ROLE, 0
            )
        );
        vm.prank(sgOps);
        copy.publishEnvelope(DOC, ENVELOPE_CID);
    }

    function test_RevertWhen_AStrangerPublishes() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDocumentRegistry.DocumentRegistryNoKey.selector, stranger)
        );
        vm.prank(stranger);
        registry.publishEnvelope(DOC, ENVELOPE_CID);
    }
}
