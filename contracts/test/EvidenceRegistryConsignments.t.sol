// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryConsignmentsBaseTest} from "./EvidenceRegistryConsignmentsBaseTest.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

contract EvidenceRegistry_openConsignment_Test is EvidenceRegistryConsignmentsBaseTest {
    /// @dev The opener is added first (role `opener`), then the listed parties, in order.
    function test_ByOriginTradeKey_EventsInOrder() public {
        IEvidenceRegistry.Party[] memory parties =
            _parties(sgTrader, CONSIGNEE, cnForwarder, CARRIER);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentOpened(UCR_C, CN, SG, cnTrader, 1);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_C, cnTrader, OPENER, cnTrader);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_C, sgTrader, CONSIGNEE, cnTrader);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_C, cnForwarder, CARRIER, cnTrader);
        _openBy(cnTrader, UCR_C, CN, SG, parties);
        IEvidenceRegistry.Consignment memory c = registry.consignmentOf(UCR_C);
        assertEq(c.origin, CN, "origin");
        assertEq(c.destination, SG, "destination");
        assertEq(c.opener, cnTrader, "opener");
        assertEq(c.openedAt, _now(), "opened at");
        assertEq(c.opening, 1, "first opening");
        assertTrue(c.open, "open");
        assertEq(registry.partyRole(UCR_C, cnTrader), OPENER, "opener's role");
        assertEq(registry.partyRole(UCR_C, sgTrader), CONSIGNEE, "consignee");
        assertEq(registry.partyRole(UCR_C, cnForwarder), CARRIER, "carrier");
        assertEq(registry.partyRole(UCR_C, thTrader), bytes32(0), "not a party");
    }

    function test_ByOriginCustomsKey_NoParties() public {
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentOpened(UCR_C, CN, SG, cnOps, 1);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_C, cnOps, OPENER, cnOps);
        _openBy(cnOps, UCR_C, CN, SG, _noParties());
        assertEq(registry.consignmentOf(UCR_C).opener, cnOps, "opener");
        assertEq(registry.partyRole(UCR_C, cnOps), OPENER, "opener is a party");
    }

    /// @dev An opener that lists itself keeps the listed role and is added once, in its place.
    function test_OpenerListed_KeepsItsRole() public {
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentOpened(UCR_C, CN, SG, cnTrader, 1);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_C, sgTrader, CONSIGNEE, cnTrader);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_C, cnTrader, CONSIGNOR, cnTrader);
        _openBy(cnTrader, UCR_C, CN, SG, _parties(sgTrader, CONSIGNEE, cnTrader, CONSIGNOR));
        assertEq(registry.partyRole(UCR_C, cnTrader), CONSIGNOR, "listed role");
    }

    /// @dev Parties may be accredited by any active member, the destination's or a third one.
    function test_PartiesOfAnyMember() public {
        _openBy(cnTrader, UCR_C, CN, SG, _parties(sgOps, CONSIGNEE, thTrader, CARRIER));
        assertEq(registry.partyRole(UCR_C, sgOps), CONSIGNEE, "destination's key");
        assertEq(registry.partyRole(UCR_C, thTrader), CARRIER, "third member's key");
    }

    function test_OriginNotMember_DestinationTradeKeyOpens() public {
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentOpened(UCR_C, VN, SG, sgTrader, 1);
        _openBy(sgTrader, UCR_C, VN, SG, _noParties());
        IEvidenceRegistry.Consignment memory c = registry.consignmentOf(UCR_C);
        assertEq(c.origin, VN, "origin not a member");
        assertEq(c.destination, SG, "destination");
    }

    function test_OriginNotMember_DestinationCustomsKeyOpens() public {
        _openBy(sgOps, UCR_C, VN, SG, _party(cnForwarder, CARRIER));
        assertEq(registry.consignmentOf(UCR_C).opener, sgOps, "opener");
    }

    /// @dev A member that left counts as not a member: its destination's key opens.
    function test_OriginRemovedMember_DestinationOpens() public {
        _removeTh();
        _openBy(sgTrader, UCR_C, TH, SG, _noParties());
        assertEq(registry.consignmentOf(UCR_C).origin, TH, "origin");
    }

    /// @dev The destination need not be a member.
    function test_DestinationNotMember() public {
        _openBy(cnTrader, UCR_C, CN, US, _noParties());
        assertEq(registry.consignmentOf(UCR_C).destination, US, "destination");
    }

    function test_MaxParties() public {
        IEvidenceRegistry.Party[] memory parties = _many(32);
        _openBy(cnTrader, UCR_C, CN, SG, parties);
        assertEq(registry.partyRole(UCR_C, parties[31].account), CARRIER, "last");
        assertEq(registry.partyRole(UCR_C, cnTrader), OPENER, "opener too");
    }

    function test_RevertWhen_TooManyParties() public {
        IEvidenceRegistry.Party[] memory parties = _many(33);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryTooManyParties.selector, 33, 32
            )
        );
        _openBy(cnTrader, UCR_C, CN, SG, parties);
    }

    function test_RevertWhen_KeyOfAnotherMember() public {
        _expectWrongOpener(sgTrader, SG, CN);
        _openBy(sgTrader, UCR_C, CN, SG, _noParties());
        _expectWrongOpener(sgOps, SG, CN);
        _openBy(sgOps, UCR_C, CN, SG, _noParties());
        _expectWrongOpener(thTrader, TH, CN);
        _openBy(thTrader, UCR_C, CN, SG, _noParties());
        // origin not a member: the destination's keys open, not a third member's
        _expectWrongOpener(cnTrader, CN, SG);
        _openBy(cnTrader, UCR_C, VN, SG, _noParties());
    }

    function test_RevertWhen_AdminKey() public {
        // Even with an accreditation of its own: governance keys do not operate.
        _accredit(cnCustoms, cnCustoms, TRADE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryAdminNotOperator.selector, cnCustoms, CN
            )
        );
        _openBy(cnCustoms, UCR_C, CN, SG, _noParties());
    }

    function test_RevertWhen_NotAccredited() public {
        address[4] memory callers = [stranger, cnIssuer, cnOracle, cnAuditor];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEvidenceRegistry.EvidenceRegistryNotAccredited.selector, callers[i]
                )
            );
            _openBy(callers[i], UCR_C, CN, SG, _noParties());
        }
        vm.prank(cnCustoms);
        consortium.withdraw(cnTrader, TRADE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryNotAccredited.selector, cnTrader
            )
        );
        _openBy(cnTrader, UCR_C, CN, SG, _noParties());
    }

    function test_RevertWhen_InvalidRoute() public {
        bytes32[2][3] memory routes = [[CN, CN], [bytes32(0), SG], [CN, bytes32(0)]];
        for (uint256 i = 0; i < routes.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEvidenceRegistry.EvidenceRegistryInvalidRoute.selector,
                    routes[i][0],
                    routes[i][1]
                )
            );
            _openBy(cnTrader, UCR_C, routes[i][0], routes[i][1], _noParties());
        }
    }

    function test_RevertWhen_NoMemberSide() public {
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNoMemberSide.selector, VN, US)
        );
        _openBy(cnTrader, UCR_C, VN, US, _noParties());
    }

    function test_RevertWhen_ZeroConsignment() public {
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryZeroConsignment.selector, 0)
        );
        _openBy(cnTrader, bytes32(0), CN, SG, _noParties());
    }

    function test_RevertWhen_AlreadyOpened() public {
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryAlreadyOpened.selector, UCR_A)
        );
        _openBy(cnOps, UCR_A, CN, SG, _noParties());
    }

    function test_RevertWhen_InvalidParty() public {
        _accredit(sgCustoms, sgCustoms, TRADE_ROLE, bytes32(0)); // an admin, even accredited
        address[5] memory accounts = [stranger, cnOracle, sgCustoms, address(0), sgTrader];
        bytes32[5] memory roles = [CONSIGNEE, CONSIGNEE, CONSIGNEE, CONSIGNEE, bytes32(0)];
        for (uint256 i = 0; i < accounts.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEvidenceRegistry.EvidenceRegistryInvalidParty.selector, accounts[i], roles[i]
                )
            );
            _openBy(cnTrader, UCR_C, CN, SG, _party(accounts[i], roles[i]));
        }
    }

    function test_RevertWhen_PartyListedTwice() public {
        _expectRevert(IEvidenceRegistry.EvidenceRegistryAlreadyAParty.selector, UCR_C, sgTrader);
        _openBy(cnTrader, UCR_C, CN, SG, _parties(sgTrader, CONSIGNEE, sgTrader, CARRIER));
    }

    function _expectWrongOpener(address caller, bytes32 member, bytes32 expected) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryWrongOpener.selector, caller, member, expected
            )
        );
    }

    /// @dev `n` distinct CN trade keys as carriers.
    function _many(uint256 n) internal returns (IEvidenceRegistry.Party[] memory parties) {
        parties = new IEvidenceRegistry.Party[](n);
        for (uint256 i = 0; i < n; ++i) {
            address account = _actor(string(abi.encodePacked("carrier-", bytes1(uint8(65 + i)))));
            _accredit(cnCustoms, account, TRADE_ROLE, bytes32(0));
            parties[i] = IEvidenceRegistry.Party(account, CARRIER);
        }
    }
}
