// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {AlertRegistry} from "../src/AlertRegistry.sol";
import {IAlertRegistry} from "../src/interfaces/IAlertRegistry.sol";

/// @notice AlertRegistry on the CN+SG consortium: CN and SG customs keys (accredited
/// CUSTOMS_ROLE; cnCustoms and sgCustoms are the members' admin keys), a second CN customs key,
/// a CN issuer and a CN oracle. The clock starts at 2026-01-01T00:00:00Z (BaseTest).
abstract contract AlertRegistryBaseTest is BaseTest {
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 internal constant OPERATOR = keccak256("CN:USCI:91310000MA1FL8XQ30");
    uint64 internal constant HORIZON = 366 days;
    uint64 internal constant START = 1_767_225_600;
    /// @dev The binary CIDv1 of a raw block (0x01 0x55 0x12 0x20 and a sha2-256 digest).
    bytes internal constant REASON_CID =
        hex"01551220a9e4b0b5c5f1b1b5d0d0e4f3a2c1b0a9e8d7c6b5a4938271605f4e3d2c1b0a99";

    address internal cnOps = _actor("cn-ops");
    address internal cnOps2 = _actor("cn-ops-2");
    address internal sgOps = _actor("sg-ops");

    AlertRegistry internal registry;

    function setUp() public virtual override {
        super.setUp();
        registry = new AlertRegistry(consortium);
        _list(address(registry));
        _accredit(cnCustoms, cnOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOps2, CUSTOMS_ROLE, bytes32(0));
        _accredit(sgCustoms, sgOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, bytes32(0));
    }

    /// @dev Shrimp (0306) from CN to SG, by one operator, loaded at Shanghai.
    function _scope() internal pure returns (IAlertRegistry.Scope memory scope) {
        scope.hs = new bytes6[](2);
        scope.hs[0] = bytes6("0306");
        scope.hs[1] = bytes6("03");
        scope.origins = new bytes32[](1);
        scope.origins[0] = CN;
        scope.destinations = new bytes32[](1);
        scope.destinations[0] = SG;
        scope.operator = OPERATOR;
        scope.portsOfLoading = new bytes5[](1);
        scope.portsOfLoading[0] = bytes5("CNSHA");
        scope.portsOfDischarge = new bytes5[](0);
    }

    function _emptyScope() internal pure returns (IAlertRegistry.Scope memory scope) {
        scope.hs = new bytes6[](0);
        scope.origins = new bytes32[](0);
        scope.destinations = new bytes32[](0);
        scope.portsOfLoading = new bytes5[](0);
        scope.portsOfDischarge = new bytes5[](0);
    }

    /// @dev cnOps publishes the shrimp alert, High, in force from now for 30 days.
    function _publish() internal returns (uint256) {
        return
            _publishAs(cnOps, _scope(), uint64(block.timestamp), uint64(block.timestamp) + 30 days);
    }

    function _publishAs(address who, IAlertRegistry.Scope memory scope, uint64 since, uint64 until)
        internal
        returns (uint256)
    {
        vm.prank(who);
        return registry.publish(IAlertRegistry.Severity.High, scope, since, until, REASON_CID);
    }

    function _extend(address who, uint256 id, uint64 until) internal {
        vm.prank(who);
        registry.extend(id, until);
    }

    function _withdraw(address who, uint256 id) internal {
        vm.prank(who);
        registry.withdraw(id);
    }
}
