// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {AeoRegistry} from "../src/AeoRegistry.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";

/// @notice AeoRegistry on the CN+SG consortium, three CN oracles and one SG oracle accredited,
/// and one customs (operational) key per member: `cnOps`, `sgOps` (accredited CUSTOMS_ROLE by
/// the member's admin, which itself is refused for operational transactions).
abstract contract AeoBaseTest is BaseTest {
    bytes32 internal constant OP_A = keccak256("CN|AEO-0001");
    bytes32 internal constant OP_B = keccak256("CN|AEO-0002");
    bytes32 internal constant EVIDENCE = keccak256("evidence");
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    uint16 internal constant TIER1 = 1 << 1;
    uint16 internal constant TIER2 = 1 << 2;
    uint16 internal constant TIERS12 = TIER1 | TIER2;
    uint64 internal constant DAY = 1 days;

    address internal cnOracle2 = _actor("cn-oracle-2");
    address internal cnOracle3 = _actor("cn-oracle-3");
    address internal cnOps = _actor("cn-ops");
    address internal sgOps = _actor("sg-ops");
    address internal thOps = _actor("th-ops");

    AeoRegistry internal registry;

    function setUp() public virtual override {
        super.setUp();
        registry = new AeoRegistry(consortium);
        _list(address(registry));
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOracle2, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOracle3, ORACLE_ROLE, bytes32(0));
        _accredit(sgCustoms, sgOracle, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnIssuer, keccak256("ISSUER_ROLE"), CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(sgCustoms, sgOps, CUSTOMS_ROLE, bytes32(0));
    }

    function _now() internal view returns (uint64) {
        return uint64(block.timestamp);
    }

    /// @dev The customs key `ops` certifies `operator` at `tier`, valid from now with no expiry.
    function _certify(address ops, bytes32 operator, uint8 tier) internal {
        vm.prank(ops);
        registry.certify(operator, tier, 0, 0, EVIDENCE, 0);
    }

    /// @dev CN proposes, SG accepts: CN recognises `cnTiers` of SG's AEOs, SG `sgTiers` of CN's.
    function _mra(uint16 cnTiers, uint16 sgTiers) internal {
        vm.prank(cnOps);
        registry.proposeMra(SG, cnTiers, sgTiers, 0);
        vm.prank(sgOps);
        registry.acceptMra(CN, cnTiers, sgTiers, 0);
    }

    function _certifyChange(bytes32 operator, uint8 tier)
        internal
        pure
        returns (IAeoRegistry.AeoChange memory)
    {
        return IAeoRegistry.AeoChange(
            IAeoRegistry.ChangeKind.Certify, operator, tier, 0, 0, EVIDENCE, 0, 0
        );
    }

    function _statusChange(IAeoRegistry.ChangeKind kind, bytes32 operator, uint16 reason)
        internal
        pure
        returns (IAeoRegistry.AeoChange memory)
    {
        return IAeoRegistry.AeoChange(kind, operator, 0, 0, 0, bytes32(0), reason, 0);
    }

    function _one(IAeoRegistry.AeoChange memory change)
        internal
        pure
        returns (IAeoRegistry.AeoChange[] memory changes)
    {
        changes = new IAeoRegistry.AeoChange[](1);
        changes[0] = change;
    }

    /// @dev Operators numbered from `first`, all certified at tier 1.
    function _certifyBatch(uint256 first, uint256 count)
        internal
        pure
        returns (IAeoRegistry.AeoChange[] memory changes)
    {
        changes = new IAeoRegistry.AeoChange[](count);
        for (uint256 i = 0; i < count; ++i) {
            changes[i] = _certifyChange(keccak256(abi.encode("op", first + i)), 1);
        }
    }

    /// @dev A 65-byte signature by the actor `name` over `digest`.
    /// @dev Signatures by the actors `names` over the digest of a submission to `registry`.
    function _signAll(
        string[] memory names,
        bytes32 member,
        IAeoRegistry.AeoChange[] memory changes,
        uint256 nonce,
        uint64 deadline
    ) internal view returns (bytes[] memory sigs) {
        bytes32 digest = registry.changesDigest(member, changes, nonce, deadline);
        sigs = new bytes[](names.length);
        for (uint256 i = 0; i < names.length; ++i) {
            sigs[i] = _sign(names[i], digest);
        }
    }

    function _names(string memory a) internal pure returns (string[] memory n) {
        n = new string[](1);
        n[0] = a;
    }

    function _names(string memory a, string memory b) internal pure returns (string[] memory n) {
        n = new string[](2);
        n[0] = a;
        n[1] = b;
    }

    /// @dev Expect the next call by `caller`, not a customs key, to be refused.
    function _expectNotCustoms(address caller) internal {
        vm.expectRevert(abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, caller));
    }

    /// @dev Expect the next call by `admin`, the admin account of `member`, to be refused.
    function _expectAdminNotCustoms(address admin, bytes32 member) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryAdminNotCustoms.selector, admin, member)
        );
    }

    /// @dev Set `admin`'s member quorum.
    function _quorum(address admin, uint256 k) internal {
        vm.prank(admin);
        registry.setOracleQuorum(k);
    }

    /// @dev A certification's whole history, read page by page.
    function _history(bytes32 operator, bytes32 member)
        internal
        view
        returns (IAeoRegistry.CertificationState[] memory h)
    {
        uint256 n = registry.certificationHistoryLength(operator, member);
        uint256 page = registry.MAX_HISTORY_PAGE();
        h = new IAeoRegistry.CertificationState[](n);
        for (uint256 offset = 0; offset < n; offset += page) {
            IAeoRegistry.CertificationState[] memory p =
                registry.certificationHistory(operator, member, offset, page);
            for (uint256 i = 0; i < p.length; ++i) {
                h[offset + i] = p[i];
            }
        }
    }

    /// @dev An MRA's whole history seen from `member`, read page by page.
    function _mraHistory(bytes32 member, bytes32 partner)
        internal
        view
        returns (IAeoRegistry.MraState[] memory h)
    {
        uint256 n = registry.mraHistoryLength(member, partner);
        uint256 page = registry.MAX_HISTORY_PAGE();
        h = new IAeoRegistry.MraState[](n);
        for (uint256 offset = 0; offset < n; offset += page) {
            IAeoRegistry.MraState[] memory p = registry.mraHistory(member, partner, offset, page);
            for (uint256 i = 0; i < p.length; ++i) {
                h[offset + i] = p[i];
            }
        }
    }

    function _status(bytes32 operator, bytes32 member) internal view returns (IAeoRegistry.Status) {
        return registry.certification(operator, member).state.status;
    }

    function _reason(bytes32 operator, bytes32 certifying, bytes32 recognising, uint64 at)
        internal
        view
        returns (IAeoRegistry.Reason reason)
    {
        (, reason) = registry.recognition(operator, certifying, recognising, at);
    }

    function _eqReason(IAeoRegistry.Reason a, IAeoRegistry.Reason b, string memory message)
        internal
        pure
    {
        assertEq(uint256(a), uint256(b), message);
    }

    /// @dev Print a named number in `forge test -vv` output.
    event log_named_uint(string key, uint256 val);
}
