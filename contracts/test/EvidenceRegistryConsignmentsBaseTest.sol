// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @notice The evidence base with a third member, TH (a trade key, a customs key and an oracle),
/// a second CN trade key, and VN and US, two countries that are not members. UCR_C is never
/// opened in setUp.
abstract contract EvidenceRegistryConsignmentsBaseTest is EvidenceRegistryBaseTest {
    bytes32 internal constant VN = bytes32("VN");
    bytes32 internal constant US = bytes32("US");
    bytes32 internal constant UCR_C = keccak256("6CN123456789-SG-0003");
    bytes32 internal constant CONSIGNOR = bytes32("consignor");
    bytes32 internal constant CARRIER = bytes32("carrier");
    bytes32 internal constant REASON = bytes32("declared in error");

    address internal cnForwarder = _actor("cn-forwarder");
    address internal thTrader = _actor("th-trader");
    address internal thOps = _actor("th-ops");
    address internal thOracle = _actor("th-oracle");

    function setUp() public virtual override {
        super.setUp();
        _addTh();
        _accredit(cnCustoms, cnForwarder, TRADE_ROLE, bytes32(0));
        _accredit(thCustoms, thTrader, TRADE_ROLE, bytes32(0));
        _accredit(thCustoms, thOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(thCustoms, thOracle, ORACLE_ROLE, bytes32(0));
    }

    function _parties(address a, bytes32 roleA, address b, bytes32 roleB)
        internal
        pure
        returns (IEvidenceRegistry.Party[] memory parties)
    {
        parties = new IEvidenceRegistry.Party[](2);
        parties[0] = IEvidenceRegistry.Party(a, roleA);
        parties[1] = IEvidenceRegistry.Party(b, roleB);
    }

    function _addParty(address by, bytes32 consignment, address party, bytes32 role) internal {
        vm.prank(by);
        registry.addParty(consignment, party, role);
    }

    function _removeParty(address by, bytes32 consignment, address party) internal {
        vm.prank(by);
        registry.removeParty(consignment, party);
    }

    function _void(address by, bytes32 consignment) internal {
        vm.prank(by);
        registry.voidConsignment(consignment, REASON);
    }

    function _expectRevert(bytes4 selector, bytes32 consignment, address account) internal {
        vm.expectRevert(abi.encodeWithSelector(selector, consignment, account));
    }
}
