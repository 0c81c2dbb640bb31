// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {StatisticsRegistry} from "../src/StatisticsRegistry.sol";
import {IStatisticsRegistry} from "../src/interfaces/IStatisticsRegistry.sol";

/// @notice StatisticsRegistry on the CN+SG consortium with two CN oracles and one SG oracle,
/// a CN issuer and a CN customs key (roles that are not oracles). The clock starts at
/// 2026-01-01T00:00:00Z (BaseTest), so October 2025 is a past month.
abstract contract StatisticsRegistryBaseTest is BaseTest {
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    uint256 internal constant MAX_HISTORY_PAGE = 256;
    uint32 internal constant OCTOBER = 202_510;
    bytes32 internal constant ROOT = keccak256("CN exports to SG, 2025-10");
    bytes32 internal constant ROOT_2 = keccak256("CN exports to SG, 2025-10, revised");
    /// @dev sha256("rows file"), written out: a sha256 call would be the next call after expectRevert.
    bytes32 internal constant CID_DIGEST =
        0x27d4ce8df4cd106ea0de5f7e5b14197642151e0584ae2bf8054f8584f7e22483;
    uint32 internal constant ROWS = 36;

    IStatisticsRegistry.Flow internal constant EXPORT = IStatisticsRegistry.Flow.Export;
    IStatisticsRegistry.Flow internal constant IMPORT = IStatisticsRegistry.Flow.Import;

    address internal cnOracle2 = _actor("cn-oracle-2");
    address internal cnOps = _actor("cn-ops");
    address internal thOracle = _actor("th-oracle");

    StatisticsRegistry internal registry;

    function setUp() public virtual override {
        super.setUp();
        registry = new StatisticsRegistry(consortium);
        _list(address(registry));
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOracle2, ORACLE_ROLE, bytes32(0));
        _accredit(sgCustoms, sgOracle, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnOps, CUSTOMS_ROLE, bytes32(0));
    }

    /// @dev CN's first October export table to SG, committed by cnOracle.
    function _commitOctober() internal returns (uint256) {
        return _commit(cnOracle, EXPORT, SG, OCTOBER, ROOT, ROWS, CID_DIGEST);
    }

    function _commit(
        address oracle,
        IStatisticsRegistry.Flow flow,
        bytes32 partner,
        uint32 period,
        bytes32 root,
        uint32 rows,
        bytes32 cidDigest
    ) internal returns (uint256) {
        vm.prank(oracle);
        return registry.commit(flow, partner, period, root, rows, cidDigest);
    }

    function _count(bytes32 member, IStatisticsRegistry.Flow flow, bytes32 partner, uint32 period)
        internal
        view
        returns (uint256)
    {
        return registry.revisionCount(member, flow, partner, period);
    }

    function _assertRevision(
        IStatisticsRegistry.Revision memory r,
        bytes32 root,
        uint32 rows,
        bytes32 cidDigest,
        address committer,
        uint64 at
    ) internal pure {
        assertEq(r.root, root, "root");
        assertEq(r.rows, rows, "rows");
        assertEq(r.cidDigest, cidDigest, "cid digest");
        assertEq(r.committer, committer, "committer");
        assertEq(r.committedAt, at, "committed at");
    }

    function _addTh() internal {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    function _removeTh() internal {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeRemoveMember(TH);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    function _noRevision(
        bytes32 member,
        IStatisticsRegistry.Flow flow,
        bytes32 partner,
        uint32 period,
        uint256 number
    ) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            IStatisticsRegistry.StatisticsRegistryNoRevision.selector,
            member,
            flow,
            partner,
            period,
            number
        );
    }
}
