// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {Vm} from "./utils/Vm.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";

/// @notice Histories long enough to need several pages and a binary search.
abstract contract AeoHistoryBaseTest is AeoBaseTest {
    /// @dev Certify `operator` at `t0` (tier 1), then `n - 1` changes a day apart alternating
    /// suspend (reason i) and reinstate (reason i): entry i is effective at t0 + i days, odd
    /// entries are suspensions. Returns t0.
    function _longHistory(bytes32 operator, uint256 n) internal returns (uint64 t0) {
        t0 = _now();
        _certify(cnOps, operator, 1);
        for (uint256 first = 1; first < n; first += 100) {
            uint256 size = n - first < 100 ? n - first : 100;
            IAeoRegistry.AeoChange[] memory changes = new IAeoRegistry.AeoChange[](size);
            for (uint256 j = 0; j < size; ++j) {
                uint256 i = first + j;
                changes[j] = _statusChange(
                    i % 2 == 1
                        ? IAeoRegistry.ChangeKind.Suspend
                        : IAeoRegistry.ChangeKind.Reinstate,
                    operator,
                    uint16(i)
                );
                changes[j].effectiveAt = t0 + uint64(i) * DAY;
            }
            vm.prank(cnOps);
            registry.applyChanges(changes);
        }
    }
}

contract AeoRegistry_certificationHistory_Test is AeoHistoryBaseTest {
    function test_Pages() public {
        _longHistory(OP_A, 250);
        assertEq(registry.certificationHistoryLength(OP_A, CN), 250, "length");
        IAeoRegistry.CertificationState[] memory p = registry.certificationHistory(OP_A, CN, 0, 100);
        assertEq(p.length, 100, "full first page");
        assertEq(uint256(p[0].kind), uint256(IAeoRegistry.ChangeKind.Certify), "oldest first");
        assertEq(p[99].reason, 99, "entry 99");
        p = registry.certificationHistory(OP_A, CN, 200, 100);
        assertEq(p.length, 50, "short last page");
        assertEq(p[0].reason, 200, "entry 200");
        assertEq(p[49].reason, 249, "entry 249");
        assertEq(registry.certificationHistory(OP_A, CN, 250, 100).length, 0, "at the end");
        assertEq(registry.certificationHistory(OP_A, CN, 1000, 100).length, 0, "past the end");
        assertEq(registry.certificationHistory(OP_A, CN, 3, 0).length, 0, "limit 0");
        assertEq(_history(OP_A, CN).length, 250, "all pages");
    }

    function test_NeverCertified_Empty() public view {
        assertEq(registry.certificationHistoryLength(OP_A, CN), 0, "length");
        assertEq(registry.certificationHistory(OP_A, CN, 0, 100).length, 0, "empty");
    }

    function test_RevertWhen_PageTooLarge() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryPageTooLarge.selector, 101, 100)
        );
        registry.certificationHistory(OP_A, CN, 0, 101);
    }

    function testFuzz_PageMatchesHistory(uint256 offset, uint256 limit) public {
        _longHistory(OP_A, 130);
        offset = bound(offset, 0, 140);
        limit = bound(limit, 0, 100);
        IAeoRegistry.CertificationState[] memory p =
            registry.certificationHistory(OP_A, CN, offset, limit);
        uint256 expected = offset >= 130 ? 0 : (130 - offset < limit ? 130 - offset : limit);
        assertEq(p.length, expected, "page length");
        for (uint256 i = 0; i < p.length; ++i) {
            assertEq(p[i].effectiveAt, _now() + (offset + i) * DAY, "entry in order");
        }
    }
}

contract AeoRegistry_mraHistory_Test is AeoHistoryBaseTest {
    function test_PagesFromEachSide() public {
        _mra(TIERS12, TIER2);
        vm.startPrank(cnOps);
        for (uint256 i = 1; i < 120; ++i) {
            vm.warp(block.timestamp + DAY);
            if (i % 2 == 1) registry.suspendMra(SG);
            else registry.resumeMra(SG);
        }
        vm.stopPrank();
        assertEq(registry.mraHistoryLength(CN, SG), 120, "length");
        assertEq(registry.mraHistoryLength(SG, CN), 120, "same pair");
        IAeoRegistry.MraState[] memory p = registry.mraHistory(SG, CN, 100, 100);
        assertEq(p.length, 20, "short last page");
        assertEq(uint256(p[1].status), uint256(IAeoRegistry.MraStatus.Suspended), "entry 101");
        assertEq(p[0].memberTiers, TIER2, "SG's perspective");
        assertEq(registry.mraHistory(CN, SG, 0, 1)[0].memberTiers, TIERS12, "CN's perspective");
        assertEq(_mraHistory(CN, SG).length, 120, "all pages");
    }

    function test_RevertWhen_PageTooLarge() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryPageTooLarge.selector, 1000, 100)
        );
        registry.mraHistory(CN, SG, 0, 1000);
    }
}

contract AeoRegistry_certificationAt_Test is AeoHistoryBaseTest {
    function test_LongHistory_AnswersAtEveryTime() public {
        uint64 t0 = _longHistory(OP_A, 301);
        assertEq(
            uint256(registry.certificationAt(OP_A, CN, t0 - 1).status),
            uint256(IAeoRegistry.Status.None),
            "before the first"
        );
        for (uint256 i = 0; i < 301; i += 7) {
            IAeoRegistry.CertificationState memory s =
                registry.certificationAt(OP_A, CN, t0 + uint64(i) * DAY + DAY / 2);
            IAeoRegistry.Status want =
                i % 2 == 1 ? IAeoRegistry.Status.Suspended : IAeoRegistry.Status.Active;
            assertEq(uint256(s.status), uint256(want), "status");
            assertEq(s.reason, i, "entry i");
            assertEq(s.effectiveAt, t0 + uint64(i) * DAY, "effective at");
        }
        assertEq(registry.certificationAt(OP_A, CN, type(uint64).max).reason, 300, "latest");
    }

    /// @dev Equal effective times: the last recorded change wins, also inside the search.
    function test_SameEffectiveTime_LastWins_InsideLongHistory() public {
        uint64 t0 = _now();
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        for (uint256 i = 1; i <= 80; ++i) {
            uint64 at = t0 + uint64((i + 1) / 2) * DAY; // pairs share a time: suspend, reinstate
            if (i % 2 == 1) registry.suspend(OP_A, uint16(i), at);
            else registry.reinstate(OP_A, uint16(i), at);
        }
        vm.stopPrank();
        for (uint64 d = 1; d <= 40; ++d) {
            IAeoRegistry.CertificationState memory s =
                registry.certificationAt(OP_A, CN, t0 + d * DAY);
            assertEq(s.reason, 2 * d, "the pair's second change");
            assertEq(uint256(s.status), uint256(IAeoRegistry.Status.Active), "reinstated");
        }
    }
}

/// @notice Gas of point-in-time reads at history lengths 10 and 1,000 (see the gas note in
/// CertificateRegistryGas.t.sol: setUp is its own transaction, so every slot starts cold, and
/// `vm.lastCallGas` is the registry frame's execution).
contract AeoRegistry_historyGas_Test is AeoHistoryBaseTest {
    /// @dev A cold read of one more entry costs 2,100; 1,000 entries take <= 10 more steps.
    uint256 internal constant LOG_MARGIN = 11 * 2300;

    uint64 internal t0;

    function setUp() public override {
        super.setUp();
        _longHistory(OP_A, 10);
        t0 = _longHistory(OP_B, 1000);
        _mra(TIERS12, TIERS12);
    }

    function test_Gas_CertificationAt_1000vs10() public {
        uint256 latest10 = _readGas(OP_A, t0 + 2000 * DAY);
        uint256 latest1000 = _readGas(OP_B, t0 + 2000 * DAY);
        uint256 past10 = _readGas(OP_A, t0 + 4 * DAY);
        uint256 past1000 = _readGas(OP_B, t0 + 500 * DAY);
        uint256 first10 = _readGas(OP_A, t0);
        uint256 first1000 = _readGas(OP_B, t0);
        emit log_named_uint("certificationAt latest, 10 changes", latest10);
        emit log_named_uint("certificationAt latest, 1000 changes", latest1000);
        emit log_named_uint("certificationAt middle, 10 changes", past10);
        emit log_named_uint("certificationAt middle, 1000 changes", past1000);
        emit log_named_uint("certificationAt first, 10 changes", first10);
        emit log_named_uint("certificationAt first, 1000 changes", first1000);
        assertEq(latest1000, latest10, "latest: one read whatever the length");
        assertLe(past1000, past10 + LOG_MARGIN, "middle: logarithmic");
        assertLe(first1000, first10 + LOG_MARGIN, "first: logarithmic");
    }

    function test_Gas_IsRecognized_1000vs10() public {
        registry.isRecognized(OP_A, CN, SG, t0 + 4 * DAY + 1);
        uint256 at10 = vm.lastCallGas().gasTotalUsed;
        registry.isRecognized(OP_B, CN, SG, t0 + 500 * DAY + 1);
        uint256 at1000 = vm.lastCallGas().gasTotalUsed;
        emit log_named_uint("isRecognized (CN AEO, SG), 10 changes", at10);
        emit log_named_uint("isRecognized (CN AEO, SG), 1000 changes", at1000);
        assertLe(at1000, at10 + LOG_MARGIN, "logarithmic");
    }

    function test_Gas_RevokeAfter1000Changes() public {
        vm.prank(cnOps);
        registry.revoke(OP_B, 1, t0 + 1000 * DAY);
        uint256 gas = vm.lastCallGas().gasTotalUsed;
        emit log_named_uint("revoke, 1000 changes before", gas);
        assertLe(gas, 60_000, "a write does not depend on the length");
    }

    function _readGas(bytes32 operator, uint64 at) internal view returns (uint256) {
        registry.certificationAt(operator, CN, at);
        return vm.lastCallGas().gasTotalUsed;
    }
}
