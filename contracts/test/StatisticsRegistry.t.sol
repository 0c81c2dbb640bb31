// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {StatisticsRegistryBaseTest} from "./StatisticsRegistryBaseTest.sol";
import {IStatisticsRegistry} from "../src/interfaces/IStatisticsRegistry.sol";

contract StatisticsRegistry_constructor_Test is StatisticsRegistryBaseTest {
    function test_Constants() public view {
        assertEq(registry.MAX_HISTORY_PAGE(), MAX_HISTORY_PAGE, "page");
        assertEq(uint256(registry.MIN_PERIOD()), 197_001, "min period");
    }

    function test_StartsEmpty() public view {
        assertEq(_count(CN, EXPORT, SG, OCTOBER), 0, "no revision");
    }
}

contract StatisticsRegistry_commit_Test is StatisticsRegistryBaseTest {
    function test_CommitsFirstRevision() public {
        vm.expectEmit(address(registry));
        emit IStatisticsRegistry.StatisticsCommitted(
            CN, SG, OCTOBER, EXPORT, 1, ROOT, ROWS, CID_DIGEST, cnOracle
        );
        assertEq(_commitOctober(), 1, "revision number");
        assertEq(_count(CN, EXPORT, SG, OCTOBER), 1, "count");
        _assertRevision(
            registry.revision(CN, EXPORT, SG, OCTOBER, 1),
            ROOT,
            ROWS,
            CID_DIGEST,
            cnOracle,
            uint64(block.timestamp)
        );
    }

    function test_RevisionsAreKept() public {
        _commitOctober();
        uint64 first = uint64(block.timestamp);
        vm.warp(block.timestamp + 30 days);
        vm.expectEmit(address(registry));
        emit IStatisticsRegistry.StatisticsCommitted(
            CN, SG, OCTOBER, EXPORT, 2, ROOT_2, ROWS + 1, CID_DIGEST, cnOracle2
        );
        assertEq(_commit(cnOracle2, EXPORT, SG, OCTOBER, ROOT_2, ROWS + 1, CID_DIGEST), 2, "rev");
        assertEq(_count(CN, EXPORT, SG, OCTOBER), 2, "count");
        _assertRevision(
            registry.revision(CN, EXPORT, SG, OCTOBER, 1), ROOT, ROWS, CID_DIGEST, cnOracle, first
        );
        (uint256 number, IStatisticsRegistry.Revision memory last) =
            registry.latest(CN, EXPORT, SG, OCTOBER);
        assertEq(number, 2, "latest number");
        _assertRevision(last, ROOT_2, ROWS + 1, CID_DIGEST, cnOracle2, uint64(block.timestamp));
    }

    function test_SameRootSharedLaterIsARevision() public {
        _commit(cnOracle, EXPORT, SG, OCTOBER, ROOT, ROWS, bytes32(0));
        assertEq(_commit(cnOracle, EXPORT, SG, OCTOBER, ROOT, ROWS, CID_DIGEST), 2, "revision");
    }

    function test_TablesAreSeparate() public {
        _commitOctober();
        _commit(cnOracle, IMPORT, SG, OCTOBER, ROOT_2, ROWS, bytes32(0));
        _commit(cnOracle, EXPORT, SG, OCTOBER - 1, ROOT_2, ROWS, bytes32(0));
        _commit(sgOracle, EXPORT, CN, OCTOBER, ROOT, ROWS, CID_DIGEST);
        _addTh();
        _commit(cnOracle, EXPORT, TH, OCTOBER, ROOT, ROWS, CID_DIGEST);
        assertEq(_count(CN, EXPORT, SG, OCTOBER), 1, "CN export SG");
        assertEq(_count(CN, IMPORT, SG, OCTOBER), 1, "CN import SG");
        assertEq(_count(CN, EXPORT, SG, OCTOBER - 1), 1, "CN export SG, September");
        assertEq(_count(SG, EXPORT, CN, OCTOBER), 1, "SG export CN");
        assertEq(_count(CN, EXPORT, TH, OCTOBER), 1, "CN export TH");
        assertEq(_count(SG, IMPORT, CN, OCTOBER), 0, "SG import CN");
    }

    function test_CurrentMonthAccepted() public {
        // 2026-01-01T00:00:00Z: January 2026 has begun.
        _commit(cnOracle, EXPORT, SG, 202_601, ROOT, ROWS, bytes32(0));
        assertEq(_count(CN, EXPORT, SG, 202_601), 1, "count");
    }

    function test_EarliestPeriodAccepted() public {
        _commit(cnOracle, EXPORT, SG, 197_001, ROOT, ROWS, bytes32(0));
        assertEq(_count(CN, EXPORT, SG, 197_001), 1, "count");
    }

    function test_RevertWhen_NotOracle() public {
        address[3] memory callers = [stranger, cnIssuer, cnOps];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IStatisticsRegistry.StatisticsRegistryNotOracle.selector, callers[i]
                )
            );
            _commit(callers[i], EXPORT, SG, OCTOBER, ROOT, ROWS, bytes32(0));
        }
    }

    function test_RevertWhen_OracleWithdrawn() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnOracle, ORACLE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryNotOracle.selector, cnOracle
            )
        );
        _commitOctober();
    }

    function test_RevertWhen_OracleOfRemovedMember() public {
        _addTh();
        _accredit(thCustoms, thOracle, ORACLE_ROLE, bytes32(0));
        _commit(thOracle, EXPORT, CN, OCTOBER, ROOT, ROWS, bytes32(0));
        _removeTh();
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryNotOracle.selector, thOracle
            )
        );
        _commit(thOracle, EXPORT, CN, OCTOBER, ROOT_2, ROWS, bytes32(0));
    }

    function test_RevertWhen_MemberAdmin() public {
        // Even with an accreditation of its own: governance keys do not commit statistics.
        _accredit(cnCustoms, cnCustoms, ORACLE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryAdminNotOracle.selector, cnCustoms, CN
            )
        );
        _commit(cnCustoms, EXPORT, SG, OCTOBER, ROOT, ROWS, bytes32(0));
    }

    function test_RevertWhen_OwnPartner() public {
        vm.expectRevert(
            abi.encodeWithSelector(IStatisticsRegistry.StatisticsRegistryOwnPartner.selector, CN)
        );
        _commit(cnOracle, EXPORT, CN, OCTOBER, ROOT, ROWS, bytes32(0));
    }

    function test_RevertWhen_UnknownPartner() public {
        bytes32[2] memory partners = [TH, bytes32(0)];
        for (uint256 i = 0; i < partners.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IStatisticsRegistry.StatisticsRegistryUnknownPartner.selector, partners[i]
                )
            );
            _commit(cnOracle, EXPORT, partners[i], OCTOBER, ROOT, ROWS, bytes32(0));
        }
    }

    function test_RevertWhen_PartnerRemoved() public {
        _addTh();
        _commit(cnOracle, EXPORT, TH, OCTOBER, ROOT, ROWS, bytes32(0));
        _removeTh();
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryUnknownPartner.selector, TH
            )
        );
        _commit(cnOracle, EXPORT, TH, OCTOBER, ROOT_2, ROWS, bytes32(0));
    }

    function test_RevertWhen_PeriodMalformed() public {
        uint32[7] memory periods = [uint32(0), 202_500, 202_513, 202_599, 196_912, 2025, 197_000];
        for (uint256 i = 0; i < periods.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IStatisticsRegistry.StatisticsRegistryInvalidPeriod.selector, periods[i]
                )
            );
            _commit(cnOracle, EXPORT, SG, periods[i], ROOT, ROWS, bytes32(0));
        }
    }

    function test_RevertWhen_PeriodInTheFuture() public {
        vm.warp(1_767_225_599); // 2025-12-31T23:59:59Z
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryFuturePeriod.selector, 202_601, 202_512
            )
        );
        _commit(cnOracle, EXPORT, SG, 202_601, ROOT, ROWS, bytes32(0));
        vm.warp(1_767_225_600); // a second later, January has begun
        _commit(cnOracle, EXPORT, SG, 202_601, ROOT, ROWS, bytes32(0));
    }

    function test_RevertWhen_ZeroRoot() public {
        vm.expectRevert(IStatisticsRegistry.StatisticsRegistryZeroRoot.selector);
        _commit(cnOracle, EXPORT, SG, OCTOBER, bytes32(0), ROWS, CID_DIGEST);
    }

    function test_RevertWhen_ZeroRows() public {
        vm.expectRevert(IStatisticsRegistry.StatisticsRegistryZeroRows.selector);
        _commit(cnOracle, EXPORT, SG, OCTOBER, ROOT, 0, CID_DIGEST);
    }

    function test_RevertWhen_UnchangedFromLatest() public {
        _commitOctober();
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryUnchanged.selector, CN, EXPORT, SG, OCTOBER, 1
            )
        );
        // another oracle of the same member resending the same table adds nothing
        _commit(cnOracle2, EXPORT, SG, OCTOBER, ROOT, ROWS, CID_DIGEST);
        // going back to an earlier revision's content is a revision
        _commit(cnOracle, EXPORT, SG, OCTOBER, ROOT_2, ROWS, CID_DIGEST);
        assertEq(_commitOctober(), 3, "back to the first content");
    }

    function test_RevertWhen_FlowOutOfRange() public {
        bytes memory data = abi.encodeWithSelector(
            registry.commit.selector, uint8(2), SG, OCTOBER, ROOT, ROWS, bytes32(0)
        );
        vm.prank(cnOracle);
        (bool ok,) = address(registry).call(data);
        assertFalse(ok, "flow 2 accepted");
        assertEq(_count(CN, IMPORT, SG, OCTOBER), 0, "nothing recorded");
    }

    function testFuzz_CommitsAnyPastMonth(uint256 year, uint256 month, bytes32 root, uint32 rows)
        public
    {
        year = bound(year, 1970, 2025);
        month = bound(month, 1, 12);
        vm.assume(root != bytes32(0) && rows != 0);
        uint32 period = uint32(year * 100 + month);
        _commit(cnOracle, IMPORT, SG, period, root, rows, bytes32(0));
        (uint256 number, IStatisticsRegistry.Revision memory r) =
            registry.latest(CN, IMPORT, SG, period);
        assertEq(number, 1, "number");
        _assertRevision(r, root, rows, bytes32(0), cnOracle, uint64(block.timestamp));
    }

    function testFuzz_RevertWhen_MonthOutOfRange(uint256 year, uint256 month) public {
        year = bound(year, 1970, 2025);
        month = bound(month, 0, 99);
        vm.assume(month == 0 || month > 12);
        uint32 period = uint32(year * 100 + month);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryInvalidPeriod.selector, period
            )
        );
        _commit(cnOracle, EXPORT, SG, period, ROOT, ROWS, bytes32(0));
    }
}

contract StatisticsRegistry_latest_Test is StatisticsRegistryBaseTest {
    function test_LatestOfThree() public {
        _commitOctober();
        _commit(cnOracle, EXPORT, SG, OCTOBER, ROOT_2, ROWS, CID_DIGEST);
        _commit(cnOracle, EXPORT, SG, OCTOBER, ROOT_2, ROWS - 1, CID_DIGEST);
        (uint256 number, IStatisticsRegistry.Revision memory r) =
            registry.latest(CN, EXPORT, SG, OCTOBER);
        assertEq(number, 3, "number");
        assertEq(r.rows, ROWS - 1, "rows");
    }

    function test_RevertWhen_NothingCommitted() public {
        _commitOctober();
        vm.expectRevert(_noRevision(SG, IMPORT, CN, OCTOBER, 0));
        registry.latest(SG, IMPORT, CN, OCTOBER);
    }
}

contract StatisticsRegistry_revision_Test is StatisticsRegistryBaseTest {
    function test_EachRevision() public {
        _commitOctober();
        _commit(cnOracle2, EXPORT, SG, OCTOBER, ROOT_2, ROWS, bytes32(0));
        assertEq(registry.revision(CN, EXPORT, SG, OCTOBER, 1).root, ROOT, "first");
        assertEq(registry.revision(CN, EXPORT, SG, OCTOBER, 2).root, ROOT_2, "second");
        assertEq(registry.revision(CN, EXPORT, SG, OCTOBER, 2).committer, cnOracle2, "committer");
    }

    function test_RevertWhen_NumberOutOfRange() public {
        _commitOctober();
        vm.expectRevert(_noRevision(CN, EXPORT, SG, OCTOBER, 0));
        registry.revision(CN, EXPORT, SG, OCTOBER, 0);
        vm.expectRevert(_noRevision(CN, EXPORT, SG, OCTOBER, 2));
        registry.revision(CN, EXPORT, SG, OCTOBER, 2);
    }
}

contract StatisticsRegistry_revisionCount_Test is StatisticsRegistryBaseTest {
    function test_CountsCommits() public {
        for (uint256 i = 1; i <= 5; ++i) {
            _commit(cnOracle, EXPORT, SG, OCTOBER, bytes32(i), ROWS, bytes32(0));
            assertEq(_count(CN, EXPORT, SG, OCTOBER), i, "count");
        }
    }
}

contract StatisticsRegistry_revisions_Test is StatisticsRegistryBaseTest {
    function test_PagesThroughHistory() public {
        uint256 total = MAX_HISTORY_PAGE + 44;
        for (uint256 i = 1; i <= total; ++i) {
            _commit(cnOracle, EXPORT, SG, OCTOBER, bytes32(i), uint32(i), bytes32(0));
        }
        IStatisticsRegistry.Revision[] memory first =
            registry.revisions(CN, EXPORT, SG, OCTOBER, 0, MAX_HISTORY_PAGE);
        IStatisticsRegistry.Revision[] memory rest =
            registry.revisions(CN, EXPORT, SG, OCTOBER, MAX_HISTORY_PAGE, MAX_HISTORY_PAGE);
        assertEq(first.length, MAX_HISTORY_PAGE, "first page");
        assertEq(rest.length, 44, "last page");
        assertEq(first[0].root, bytes32(uint256(1)), "revision 1");
        assertEq(first[255].rows, 256, "revision 256");
        assertEq(rest[43].root, bytes32(total), "last revision");
    }

    function test_OffsetPastTheEndIsEmpty() public {
        _commitOctober();
        assertEq(registry.revisions(CN, EXPORT, SG, OCTOBER, 1, 10).length, 0, "past the end");
        assertEq(registry.revisions(CN, EXPORT, SG, OCTOBER, 7, 10).length, 0, "far past");
        assertEq(registry.revisions(CN, IMPORT, SG, OCTOBER, 0, 10).length, 0, "empty table");
    }

    function test_RevertWhen_PageTooLarge() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IStatisticsRegistry.StatisticsRegistryPageTooLarge.selector,
                MAX_HISTORY_PAGE + 1,
                MAX_HISTORY_PAGE
            )
        );
        registry.revisions(CN, EXPORT, SG, OCTOBER, 0, MAX_HISTORY_PAGE + 1);
    }
}

contract StatisticsRegistry_periodOf_Test is StatisticsRegistryBaseTest {
    function test_KnownDates() public view {
        assertEq(registry.periodOf(0), 197_001, "epoch");
        assertEq(registry.periodOf(1_767_225_599), 202_512, "2025-12-31T23:59:59Z");
        assertEq(registry.periodOf(1_767_225_600), 202_601, "2026-01-01T00:00:00Z");
        assertEq(registry.periodOf(1_709_164_800), 202_402, "2024-02-29 (leap day)");
        assertEq(registry.periodOf(1_709_251_200), 202_403, "2024-03-01");
        assertEq(registry.periodOf(951_782_400), 200_002, "2000-02-29 (leap century)");
        assertEq(registry.periodOf(4_107_542_400), 210_003, "2100-03-01 (no leap day in 2100)");
        assertEq(registry.periodOf(4_107_455_999), 210_002, "2100-02-28T23:59:59Z");
    }

    /// @dev The month never goes back as time goes on, and is always 1..12.
    function testFuzz_MonthsInRangeAndOrdered(uint64 a, uint64 b) public view {
        a = uint64(bound(a, 0, 253_402_300_799)); // up to 9999-12-31T23:59:59Z
        b = uint64(bound(b, a, 253_402_300_799));
        uint256 pa = registry.periodOf(a);
        uint256 pb = registry.periodOf(b);
        assertLe(pa, pb, "ordered");
        assertGe(pa % 100, 1, "month >= 1");
        assertLe(pa % 100, 12, "month <= 12");
        assertGe(pa, 197_001, "from 1970");
        assertLe(pb, 999_912, "to 9999");
    }
}
