// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryConsignmentsBaseTest} from "./EvidenceRegistryConsignmentsBaseTest.sol";
import {EvidenceRegistry} from "../src/EvidenceRegistry.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";
import {RegistryNotActive} from "../src/interfaces/IConsortium.sol";

/// @notice EvidenceRegistry upgraded by vote: a consignment stays on the version where it was
/// opened (appends, decisions, parties and voiding there); the new version opens new ones and
/// never an id another version holds.
contract EvidenceRegistry_upgrade_Test is EvidenceRegistryConsignmentsBaseTest {
    EvidenceRegistry internal v1;
    EvidenceRegistry internal v2;

    function setUp() public override {
        super.setUp();
        v1 = registry;
        vm.warp(block.timestamp + 1 days);
        v2 = new EvidenceRegistry(consortium);
        _list(address(v2));
    }

    function _expectOpenedOn(bytes32 consignment, address holder) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryOpenedOnOtherVersion.selector, consignment, holder
            )
        );
    }

    function test_AConsignmentStaysOnTheVersionWhereItWasOpened() public {
        // UCR_A was opened on v1 before the upgrade: its chain goes on there
        vm.prank(cnTrader);
        v1.appendEvents(_one(_entry(UCR_A, _event(1), LOADED)));
        (uint64 seq,) = v1.head(UCR_A);
        assertEq(seq, 1, "appended on v1");
        _addParty(cnTrader, UCR_A, cnForwarder, CARRIER);

        // v2 refuses to hold any part of it, and to open it anew
        _expectOpenedOn(UCR_A, address(v1));
        vm.prank(cnTrader);
        v2.appendEvents(_one(_entry(UCR_A, _event(2), LOADED)));
        _expectOpenedOn(UCR_A, address(v1));
        vm.prank(cnTrader);
        v2.addParty(UCR_A, thTrader, CARRIER);
        _expectOpenedOn(UCR_A, address(v1));
        vm.prank(cnTrader);
        v2.openConsignment(UCR_A, CN, SG, _noParties());
    }

    function test_AVoidedConsignmentIsNotOpenedAgainOnTheNewVersion() public {
        _void(cnOps, UCR_B);
        _expectOpenedOn(UCR_B, address(v1));
        vm.prank(cnTrader);
        v2.openConsignment(UCR_B, CN, SG, _noParties());
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(v1)));
        vm.prank(cnTrader);
        v1.openConsignment(UCR_B, CN, SG, _noParties());
    }

    function test_NewConsignmentsOpenOnTheActiveVersionOnly() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(v1)));
        vm.prank(cnTrader);
        v1.openConsignment(UCR_C, CN, SG, _noParties());
        vm.prank(cnTrader);
        v2.openConsignment(UCR_C, CN, SG, _noParties());
        vm.prank(cnTrader);
        v2.appendEvents(_one(_entry(UCR_C, _event(1), LOADED)));
        (uint64 seq,) = v2.head(UCR_C);
        assertEq(seq, 1, "appended on v2");
        assertEq(v1.consignmentOf(UCR_C).openedAt, 0, "nothing on v1");
        _expectOpenedOn(UCR_C, address(v2));
        vm.prank(cnTrader);
        v1.appendEvents(_one(_entry(UCR_C, _event(2), LOADED)));
    }
}
