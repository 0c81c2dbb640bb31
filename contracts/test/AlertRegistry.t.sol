// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AlertRegistryBaseTest} from "./AlertRegistryBaseTest.sol";
import {AlertRegistry} from "../src/AlertRegistry.sol";
import {IAlertRegistry} from "../src/interfaces/IAlertRegistry.sol";
import {RegistryNotActive} from "../src/interfaces/IConsortium.sol";

contract AlertRegistry_constructor_Test is AlertRegistryBaseTest {
    function test_Constants() public view {
        assertEq(registry.MAX_SCOPE_ENTRIES(), 32, "scope entries");
        assertEq(uint256(registry.MAX_HORIZON()), 366 days, "horizon");
        assertEq(registry.MAX_EXTENSIONS(), 64, "extensions");
        assertEq(registry.MAX_PAGE(), 256, "page");
        assertEq(registry.MAX_CID_LENGTH(), 64, "cid");
        assertEq(REASON_CID.length, 36, "fixture cid");
    }

    function test_NamesItsKindAndConsortium() public view {
        assertEq(registry.registryKind(), bytes32("AlertRegistry"), "kind");
        assertEq(address(registry.consortium()), address(consortium), "consortium");
        assertEq(registry.alertCount(), 0, "empty");
    }
}

contract AlertRegistry_publish_Test is AlertRegistryBaseTest {
    function test_PublishesForTheCustomsKeysMember() public {
        uint64 until = START + 30 days;
        vm.expectEmit(address(registry));
        emit IAlertRegistry.AlertPublished(
            1, CN, cnOps, IAlertRegistry.Severity.High, START, until, OPERATOR, REASON_CID, _scope()
        );
        assertEq(_publish(), 1, "first id");
        IAlertRegistry.Alert memory a = registry.alert(1);
        assertEq(a.id, 1, "id");
        assertEq(a.member, CN, "member");
        assertEq(a.publisher, cnOps, "publisher");
        assertEq(uint8(a.severity), uint8(IAlertRegistry.Severity.High), "severity");
        assertEq(a.since, START, "since");
        assertEq(a.publishedUntil, until, "until");
        assertEq(a.publishedAt, START, "published at");
        assertEq(a.withdrawnAt, 0, "not withdrawn");
        assertEq(keccak256(a.reasonCid), keccak256(REASON_CID), "reason");
        assertEq(a.scope.hs.length, 2, "hs");
        assertEq(a.scope.hs[0], bytes6("0306"), "hs 0");
        assertEq(a.scope.origins[0], CN, "origin");
        assertEq(a.scope.destinations[0], SG, "destination");
        assertEq(a.scope.operator, OPERATOR, "operator");
        assertEq(a.scope.portsOfLoading[0], bytes5("CNSHA"), "loading");
        assertEq(a.scope.portsOfDischarge.length, 0, "any discharge port");
        assertEq(a.extensions.length, 0, "no extension");
    }

    function test_IdsCountOverMembers() public {
        _publish();
        uint256 sg = _publishAs(sgOps, _emptyScope(), 0, START + 1 days);
        assertEq(sg, 2, "second id");
        assertEq(registry.alert(2).member, SG, "SG's");
        assertEq(registry.alertCount(), 2, "count");
    }

    function test_AnEmptyScopeAndNoReasonAreAccepted() public {
        vm.prank(sgOps);
        uint256 id =
            registry.publish(IAlertRegistry.Severity.Low, _emptyScope(), 0, START + HORIZON, "");
        assertEq(registry.alert(id).reasonCid.length, 0, "no reason");
        assertEq(registry.alert(id).scope.operator, bytes32(0), "any operator");
    }

    // ---- who

    function test_RevertWhen_AStrangerPublishes() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotCustoms.selector, stranger)
        );
        _publishAs(stranger, _scope(), 0, START + 1 days);
    }

    function test_RevertWhen_AnIssuerPublishes() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotCustoms.selector, cnIssuer)
        );
        _publishAs(cnIssuer, _scope(), 0, START + 1 days);
    }

    function test_RevertWhen_AnOraclePublishes() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotCustoms.selector, cnOracle)
        );
        _publishAs(cnOracle, _scope(), 0, START + 1 days);
    }

    function test_RevertWhen_TheMembersAdminPublishes() public {
        // even when the admin key also holds a customs accreditation of its own member
        _accredit(cnCustoms, cnCustoms, CUSTOMS_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryAdminNotCustoms.selector, cnCustoms, CN
            )
        );
        _publishAs(cnCustoms, _scope(), 0, START + 1 days);
    }

    function test_RevertWhen_TheCustomsAccreditationWasWithdrawn() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnOps, CUSTOMS_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotCustoms.selector, cnOps)
        );
        _publish();
    }

    function test_RevertWhen_TheRegistryIsNotListed() public {
        // deployed by anyone: it names the consortium and its kind, but is not listed
        AlertRegistry lookAlike = new AlertRegistry(consortium);
        vm.prank(cnOps);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(lookAlike)));
        lookAlike.publish(IAlertRegistry.Severity.High, _scope(), 0, START + 1 days, "");
    }

    // ---- bounds

    function test_RevertWhen_UntilIsNotAfterSince() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryInvalidInterval.selector,
                START + 2 days,
                START + 2 days,
                START,
                START + HORIZON
            )
        );
        _publishAs(cnOps, _scope(), START + 2 days, START + 2 days);
    }

    function test_RevertWhen_UntilHasPassed() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryInvalidInterval.selector,
                0,
                START,
                START,
                START + HORIZON
            )
        );
        _publishAs(cnOps, _scope(), 0, START);
    }

    function test_UntilAtTheHorizonIsAcceptedOneSecondMoreIsNot() public {
        _publishAs(cnOps, _scope(), 0, START + HORIZON);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryInvalidInterval.selector,
                0,
                START + HORIZON + 1,
                START,
                START + HORIZON
            )
        );
        _publishAs(cnOps, _scope(), 0, START + HORIZON + 1);
    }

    function test_RevertWhen_AnHsCodeIsMalformed() public {
        // "0\x003": digits after a zero byte; "00" alone is a valid chapter
        bytes6[5] memory bad = [
            bytes6("3"), bytes6("030"), bytes6("03061"), bytes6("03a6"), bytes6(hex"300033000000")
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            IAlertRegistry.Scope memory scope = _emptyScope();
            scope.hs = new bytes6[](1);
            scope.hs[0] = bad[i];
            vm.expectRevert(
                abi.encodeWithSelector(IAlertRegistry.AlertRegistryInvalidHs.selector, bad[i])
            );
            _publishAs(cnOps, scope, 0, START + 1 days);
        }
    }

    function test_RevertWhen_AnHsCodeIsRepeated() public {
        IAlertRegistry.Scope memory scope = _emptyScope();
        scope.hs = new bytes6[](2);
        scope.hs[0] = bytes6("030617");
        scope.hs[1] = bytes6("030617");
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryInvalidHs.selector, scope.hs[1])
        );
        _publishAs(cnOps, scope, 0, START + 1 days);
    }

    function test_RevertWhen_AnOriginIsNoMember() public {
        IAlertRegistry.Scope memory scope = _emptyScope();
        scope.origins = new bytes32[](1);
        scope.origins[0] = TH;
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryInvalidMember.selector, TH)
        );
        _publishAs(cnOps, scope, 0, START + 1 days);
    }

    function test_RevertWhen_ADestinationIsRepeated() public {
        IAlertRegistry.Scope memory scope = _emptyScope();
        scope.destinations = new bytes32[](2);
        scope.destinations[0] = SG;
        scope.destinations[1] = SG;
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryInvalidMember.selector, SG)
        );
        _publishAs(cnOps, scope, 0, START + 1 days);
    }

    function test_RevertWhen_APortIsNoLocode() public {
        bytes5[4] memory bad = [bytes5("cnsha"), bytes5("C1SHA"), bytes5("CNSH1"), bytes5("CNSH")];
        for (uint256 i = 0; i < bad.length; ++i) {
            IAlertRegistry.Scope memory scope = _emptyScope();
            scope.portsOfDischarge = new bytes5[](1);
            scope.portsOfDischarge[0] = bad[i];
            vm.expectRevert(
                abi.encodeWithSelector(IAlertRegistry.AlertRegistryInvalidPort.selector, bad[i])
            );
            _publishAs(cnOps, scope, 0, START + 1 days);
        }
    }

    function test_PortsWithDigitsTwoToNineAreLocodes() public {
        IAlertRegistry.Scope memory scope = _emptyScope();
        scope.portsOfLoading = new bytes5[](2);
        scope.portsOfLoading[0] = bytes5("CNZ29");
        scope.portsOfLoading[1] = bytes5("SGSIN");
        _publishAs(cnOps, scope, 0, START + 1 days);
    }

    function test_RevertWhen_AScopeListIsTooLong() public {
        IAlertRegistry.Scope memory scope = _emptyScope();
        scope.portsOfLoading = new bytes5[](33);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryTooManyEntries.selector, uint8(3), 33, 32
            )
        );
        _publishAs(cnOps, scope, 0, START + 1 days);
    }

    function test_RevertWhen_TheReasonCidIsTooLong() public {
        vm.prank(cnOps);
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryInvalidCid.selector, 65, 64)
        );
        registry.publish(IAlertRegistry.Severity.High, _scope(), 0, START + 1 days, new bytes(65));
    }
}

contract AlertRegistry_extend_Test is AlertRegistryBaseTest {
    function test_AnotherCustomsKeyOfTheSameMemberExtends() public {
        uint256 id = _publish();
        vm.warp(START + 10 days);
        vm.expectEmit(address(registry));
        emit IAlertRegistry.AlertExtended(id, CN, cnOps2, START + 60 days);
        _extend(cnOps2, id, START + 60 days);
        IAlertRegistry.Alert memory a = registry.alert(id);
        assertEq(a.publishedUntil, START + 30 days, "published end kept");
        assertEq(a.extensions.length, 1, "one extension");
        assertEq(a.extensions[0].at, START + 10 days, "at");
        assertEq(a.extensions[0].until, START + 60 days, "until");
    }

    function test_RevertWhen_AnotherMembersCustomsExtends() public {
        uint256 id = _publish();
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotOwner.selector, id, CN, SG)
        );
        _extend(sgOps, id, START + 60 days);
    }

    function test_RevertWhen_TheMembersAdminExtends() public {
        uint256 id = _publish();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryAdminNotCustoms.selector, cnCustoms, CN
            )
        );
        _extend(cnCustoms, id, START + 60 days);
    }

    function test_RevertWhen_AStrangerOrAnIssuerExtends() public {
        uint256 id = _publish();
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotCustoms.selector, stranger)
        );
        _extend(stranger, id, START + 60 days);
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotCustoms.selector, cnIssuer)
        );
        _extend(cnIssuer, id, START + 60 days);
    }

    function test_RevertWhen_TheNewEndIsNotLater() public {
        uint256 id = _publish();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryNotLater.selector, id, START + 30 days, START + 30 days
            )
        );
        _extend(cnOps, id, START + 30 days);
    }

    function test_RevertWhen_TheNewEndIsBeyondTheHorizon() public {
        uint256 id = _publish();
        vm.warp(START + 5 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryInvalidInterval.selector,
                START,
                START + 5 days + HORIZON + 1,
                START + 5 days,
                START + 5 days + HORIZON
            )
        );
        _extend(cnOps, id, START + 5 days + HORIZON + 1);
    }

    function test_RevertWhen_TheAlertHasEnded() public {
        uint256 id = _publish();
        vm.warp(START + 30 days);
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryEnded.selector, id, START + 30 days)
        );
        _extend(cnOps, id, START + 60 days);
    }

    function test_RevertWhen_TheAlertWasWithdrawn() public {
        uint256 id = _publish();
        vm.warp(START + 1 days);
        _withdraw(cnOps, id);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryAlreadyWithdrawn.selector, id, START + 1 days
            )
        );
        _extend(cnOps, id, START + 60 days);
    }

    function test_RevertWhen_TheAlertDoesNotExist() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryUnknownAlert.selector, 7)
        );
        _extend(cnOps, 7, START + 60 days);
    }

    function test_RevertWhen_ExtendedTooOften() public {
        uint256 id = _publish();
        for (uint64 i = 1; i <= 64; ++i) {
            _extend(cnOps, id, START + 30 days + i);
        }
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryTooManyExtensions.selector, id, 64)
        );
        _extend(cnOps, id, START + 31 days);
    }
}

contract AlertRegistry_withdraw_Test is AlertRegistryBaseTest {
    function test_TheMembersCustomsWithdraws() public {
        uint256 id = _publish();
        vm.warp(START + 3 days);
        vm.expectEmit(address(registry));
        emit IAlertRegistry.AlertWithdrawn(id, CN, cnOps2);
        _withdraw(cnOps2, id);
        assertEq(registry.alert(id).withdrawnAt, START + 3 days, "withdrawn at");
    }

    function test_RevertWhen_AnotherMembersCustomsWithdraws() public {
        uint256 id = _publish();
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotOwner.selector, id, CN, SG)
        );
        _withdraw(sgOps, id);
    }

    function test_RevertWhen_TheMembersAdminWithdraws() public {
        uint256 id = _publish();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAlertRegistry.AlertRegistryAdminNotCustoms.selector, sgCustoms, SG
            )
        );
        _withdraw(sgCustoms, id);
    }

    function test_RevertWhen_AnIssuerWithdraws() public {
        uint256 id = _publish();
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryNotCustoms.selector, cnIssuer)
        );
        _withdraw(cnIssuer, id);
    }

    function test_RevertWhen_WithdrawnTwice() public {
        uint256 id = _publish();
        _withdraw(cnOps, id);
        vm.warp(START + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryAlreadyWithdrawn.selector, id, START)
        );
        _withdraw(cnOps, id);
    }

    function test_RevertWhen_TheAlertHasEnded() public {
        uint256 id = _publish();
        vm.warp(START + 31 days);
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryEnded.selector, id, START + 30 days)
        );
        _withdraw(cnOps, id);
    }
}

contract AlertRegistry_views_Test is AlertRegistryBaseTest {
    function test_InForceFollowsTheEndSetAtEachTime() public {
        uint256 id = _publishAs(cnOps, _scope(), START + 1 days, START + 30 days);
        assertFalse(registry.inForce(id, START), "before since");
        assertTrue(registry.inForce(id, START + 1 days), "from since");
        vm.warp(START + 20 days);
        _extend(cnOps, id, START + 60 days);
        // a time before the extension reads the end in force then; later, the new end
        assertTrue(registry.inForce(id, START + 29 days), "within the first end");
        assertTrue(registry.inForce(id, START + 30 days), "the extension counts from day 20");
        assertTrue(registry.inForce(id, START + 59 days), "until the new end");
        assertFalse(registry.inForce(id, START + 60 days), "ended");
    }

    /// @dev Time consistency: what `inForce` answered for a past time stays the answer after a
    /// later extension or withdrawal.
    function testFuzz_LaterChangesDoNotChangeThePast(
        uint64 changeAfter,
        uint64 extendBy,
        uint64 askAt,
        bool withdrawing
    ) public {
        uint256 id = _publishAs(cnOps, _scope(), START + 2 days, START + 30 days);
        uint64 changeAt = START + uint64(bound(changeAfter, 0, 30 days - 1));
        uint64 at = START + uint64(bound(askAt, 0, changeAt - START));
        vm.warp(changeAt);
        bool before = registry.inForce(id, at);
        if (withdrawing) {
            _withdraw(cnOps, id);
            if (at == changeAt) return; // a withdrawal counts from its own block time
        } else {
            _extend(cnOps, id, START + 30 days + uint64(bound(extendBy, 1, HORIZON - 30 days)));
        }
        assertEq(registry.inForce(id, at), before, "the past reads the same");
    }

    function test_AnExtensionDoesNotChangeThePast() public {
        uint256 id = _publish();
        vm.warp(START + 40 days); // ended at day 30: an old decision at day 35 saw no alert
        assertFalse(registry.inForce(id, START + 35 days), "ended then");
    }

    function test_AWithdrawalCountsFromItsBlockTime() public {
        uint256 id = _publish();
        vm.warp(START + 5 days);
        _withdraw(cnOps, id);
        assertTrue(registry.inForce(id, START + 5 days - 1), "before the withdrawal");
        assertFalse(registry.inForce(id, START + 5 days), "from the withdrawal");
    }

    function test_NotInForceBeforeItsPublicationEvenIfSinceIsEarlier() public {
        vm.warp(START + 10 days);
        uint256 id = _publishAs(cnOps, _scope(), START, START + 30 days);
        assertFalse(registry.inForce(id, START + 5 days), "not published yet");
        assertTrue(registry.inForce(id, START + 10 days), "from publication");
    }

    function test_IdsArePagedInPublicationOrder() public {
        for (uint256 i = 0; i < 5; ++i) {
            _publish();
        }
        uint256[] memory page = registry.alertIds(3, 10);
        assertEq(page.length, 2, "the last two");
        assertEq(page[0], 4, "fourth");
        assertEq(page[1], 5, "fifth");
        assertEq(registry.alertIds(9, 10).length, 0, "past the end");
    }

    function test_RevertWhen_APageIsTooLarge() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryPageTooLarge.selector, 257, 256)
        );
        registry.alertIds(0, 257);
    }

    function test_RevertWhen_AnUnknownAlertIsRead() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryUnknownAlert.selector, 0)
        );
        registry.alert(0);
        vm.expectRevert(
            abi.encodeWithSelector(IAlertRegistry.AlertRegistryUnknownAlert.selector, 1)
        );
        registry.inForce(1, START);
    }
}
