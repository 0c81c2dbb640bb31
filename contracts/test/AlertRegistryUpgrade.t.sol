// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AlertRegistryBaseTest} from "./AlertRegistryBaseTest.sol";
import {AlertRegistry} from "../src/AlertRegistry.sol";
import {IAlertRegistry} from "../src/interfaces/IAlertRegistry.sol";
import {RegistryNotActive} from "../src/interfaces/IConsortium.sol";

/// @notice Across versions of AlertRegistry: ids continue over every listed version; an alert
/// stays on the version that published it and is changed there.
contract AlertRegistry_upgrade_Test is AlertRegistryBaseTest {
    AlertRegistry internal v2;

    function setUp() public override {
        super.setUp();
        v2 = new AlertRegistry(consortium);
    }

    function _publishOn(AlertRegistry on) internal returns (uint256) {
        vm.prank(cnOps);
        return on.publish(
            IAlertRegistry.Severity.Medium, _scope(), 0, uint64(block.timestamp) + 30 days, ""
        );
    }

    function test_IdsContinueAcrossVersions() public {
        assertEq(_publishOn(registry), 1, "v1 first");
        assertEq(_publishOn(registry), 2, "v1 second");
        _list(address(v2));
        assertEq(_publishOn(v2), 3, "numbered after v1's two");
        _list(address(registry));
        assertEq(_publishOn(registry), 4, "after a rollback, after v2's too");
        assertEq(registry.alertCount(), 3, "v1's own");
        assertEq(v2.alertCount(), 1, "v2's own");
        assertEq(registry.alertIds(0, 10)[2], 4, "v1 holds 1, 2 and 4");
    }

    function test_TheOldVersionRefusesNewAlertsButChangesItsOwn() public {
        uint256 id = _publishOn(registry);
        _list(address(v2));
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(registry)));
        _publishOn(registry);
        vm.warp(block.timestamp + 1 days);
        _extend(cnOps, id, uint64(block.timestamp) + 60 days);
        _withdraw(cnOps, id);
        assertEq(registry.alert(id).withdrawnAt, block.timestamp, "withdrawn on v1");
    }

    function test_AnAlertIsOnlyOnTheVersionThatHoldsIt() public {
        uint256 id = _publishOn(registry);
        _list(address(v2));
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryUnknownAlert.selector, id)
        );
        v2.alert(id);
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryUnknownAlert.selector, id)
        );
        _withdrawOn(v2, id);
    }

    function _withdrawOn(AlertRegistry on, uint256 id) internal {
        vm.prank(cnOps);
        on.withdraw(id);
    }
}
