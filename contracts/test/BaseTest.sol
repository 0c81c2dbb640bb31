// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {Consortium} from "../src/Consortium.sol";
import {IListedRegistry} from "../src/interfaces/IConsortium.sol";

/// @notice Named actors and a two-member consortium (CN, SG; threshold 2) for every test.
abstract contract BaseTest is Test {
    bytes32 internal constant CN = bytes32("CN");
    bytes32 internal constant SG = bytes32("SG");
    bytes32 internal constant TH = bytes32("TH");
    bytes32 internal constant CERTIFICATE_OF_ORIGIN = keccak256("certificate-of-origin");
    bytes32 internal constant PHYTOSANITARY = keccak256("phytosanitary-certificate");
    /// @dev The display name `_accredit` gives every account.
    string internal constant ACCOUNT_NAME = "Ningbo Chamber of Commerce";

    address internal cnCustoms = _actor("cn-customs");
    address internal sgCustoms = _actor("sg-customs");
    address internal thCustoms = _actor("th-customs");
    address internal cnIssuer = _actor("cn-issuer");
    address internal sgIssuer = _actor("sg-issuer");
    address internal cnOracle = _actor("cn-oracle");
    address internal sgOracle = _actor("sg-oracle");
    address internal cnAuditor = _actor("cn-auditor");
    address internal exporter = _actor("exporter");
    address internal stranger = _actor("stranger");

    Consortium internal consortium;

    function setUp() public virtual {
        vm.warp(1_767_225_600); // 2026-01-01T00:00:00Z
        bytes32[] memory ids = new bytes32[](2);
        ids[0] = CN;
        ids[1] = SG;
        string[] memory names = new string[](2);
        names[0] = "General Administration of Customs of China";
        names[1] = "Singapore Customs";
        address[] memory admins = new address[](2);
        admins[0] = cnCustoms;
        admins[1] = sgCustoms;
        consortium = new Consortium(ids, names, admins, 2);
    }

    /// @dev List `registry` as the active version of its kind, by the vote of both members.
    function _list(address registry) internal {
        bytes32[] memory kinds = new bytes32[](1);
        kinds[0] = IListedRegistry(registry).registryKind();
        address[] memory registries = new address[](1);
        registries[0] = registry;
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeListRegistries(kinds, registries);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    /// @dev Accredit `account` for `role`/`scope` as `memberAdmin`.
    function _accredit(address memberAdmin, address account, bytes32 role, bytes32 scope) internal {
        vm.prank(memberAdmin);
        consortium.accredit(account, role, scope, ACCOUNT_NAME);
    }

    function _actor(string memory name) internal returns (address account) {
        account = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(account, name);
    }

    /// @dev A 65-byte `r || s || v` signature of `digest` by actor `name`, as OracleQuorum takes it.
    function _sign(string memory name, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_actorKey(name), digest);
        return abi.encodePacked(r, s, v);
    }

    function _actorKey(string memory name) internal pure returns (uint256) {
        return uint256(keccak256(bytes(name)));
    }
}
