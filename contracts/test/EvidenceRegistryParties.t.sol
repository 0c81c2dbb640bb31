// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryConsignmentsBaseTest} from "./EvidenceRegistryConsignmentsBaseTest.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @dev UCR_A is open from CN to SG, opened by cnTrader, sgTrader a party (see the base).
contract EvidenceRegistry_addParty_Test is EvidenceRegistryConsignmentsBaseTest {
    function test_OpenerAdds() public {
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_A, thTrader, CARRIER, cnTrader);
        _addParty(cnTrader, UCR_A, thTrader, CARRIER);
        assertEq(registry.partyRole(UCR_A, thTrader), CARRIER, "role");
        _append(thTrader, _one(_entry(UCR_A, _event(1), LOADED)));
    }

    function test_EitherSidesCustomsAdds() public {
        _addParty(cnOps, UCR_A, cnForwarder, CARRIER);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyAdded(UCR_A, thTrader, CARRIER, sgOps);
        _addParty(sgOps, UCR_A, thTrader, CARRIER);
        assertEq(registry.partyRole(UCR_A, cnForwarder), CARRIER, "by origin customs");
        assertEq(registry.partyRole(UCR_A, thTrader), CARRIER, "by destination customs");
    }

    function test_RevertWhen_NotManager() public {
        // a third member's customs, a party that is not the opener, a key of neither kind
        address[3] memory callers = [thOps, sgTrader, cnForwarder];
        for (uint256 i = 0; i < callers.length; ++i) {
            _expectRevert(
                IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_A, callers[i]
            );
            _addParty(callers[i], UCR_A, thTrader, CARRIER);
        }
    }

    function test_RevertWhen_OpenerRemovedByCustoms() public {
        _removeParty(cnOps, UCR_A, cnTrader);
        _expectRevert(
            IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_A, cnTrader
        );
        _addParty(cnTrader, UCR_A, thTrader, CARRIER);
    }

    function test_RevertWhen_AdminKey() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryAdminNotOperator.selector, sgCustoms, SG
            )
        );
        _addParty(sgCustoms, UCR_A, thTrader, CARRIER);
    }

    function test_RevertWhen_AlreadyAParty() public {
        _expectRevert(IEvidenceRegistry.EvidenceRegistryAlreadyAParty.selector, UCR_A, sgTrader);
        _addParty(cnTrader, UCR_A, sgTrader, CARRIER);
    }

    function test_RevertWhen_InvalidParty() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryInvalidParty.selector, stranger, CARRIER
            )
        );
        _addParty(cnTrader, UCR_A, stranger, CARRIER);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryInvalidParty.selector, thTrader, bytes32(0)
            )
        );
        _addParty(cnTrader, UCR_A, thTrader, bytes32(0));
    }

    function test_RevertWhen_NotOpened() public {
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotOpened.selector, UCR_C)
        );
        _addParty(cnOps, UCR_C, thTrader, CARRIER);
        _void(cnOps, UCR_A);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotOpened.selector, UCR_A)
        );
        _addParty(cnOps, UCR_A, thTrader, CARRIER);
    }
}

contract EvidenceRegistry_removeParty_Test is EvidenceRegistryConsignmentsBaseTest {
    function test_OpenerRemoves_PartyNoLongerAppends() public {
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyRemoved(UCR_A, sgTrader, cnTrader);
        _removeParty(cnTrader, UCR_A, sgTrader);
        assertEq(registry.partyRole(UCR_A, sgTrader), bytes32(0), "no role");
        _expectRevert(IEvidenceRegistry.EvidenceRegistryNotAParty.selector, UCR_A, sgTrader);
        _append(sgTrader, _one(_entry(UCR_A, _event(1), LOADED)));
    }

    function test_EitherSidesCustomsRemoves() public {
        _removeParty(sgOps, UCR_A, sgTrader);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentPartyRemoved(UCR_A, cnTrader, cnOps);
        _removeParty(cnOps, UCR_A, cnTrader);
        assertEq(registry.partyRole(UCR_A, cnTrader), bytes32(0), "opener removed");
    }

    function test_RemovedPartyAddedAgain() public {
        _removeParty(cnTrader, UCR_A, sgTrader);
        _addParty(cnTrader, UCR_A, sgTrader, CARRIER);
        assertEq(registry.partyRole(UCR_A, sgTrader), CARRIER, "new role");
    }

    function test_RevertWhen_NotManager() public {
        address[3] memory callers = [thOps, sgTrader, cnForwarder];
        for (uint256 i = 0; i < callers.length; ++i) {
            _expectRevert(
                IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_A, callers[i]
            );
            _removeParty(callers[i], UCR_A, sgTrader);
        }
    }

    function test_RevertWhen_OpenerRemovedByCustoms() public {
        _removeParty(sgOps, UCR_A, cnTrader);
        _expectRevert(
            IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_A, cnTrader
        );
        _removeParty(cnTrader, UCR_A, sgTrader);
    }

    function test_RevertWhen_NotAParty() public {
        _expectRevert(IEvidenceRegistry.EvidenceRegistryNotAParty.selector, UCR_A, thTrader);
        _removeParty(cnTrader, UCR_A, thTrader);
        _removeParty(cnTrader, UCR_A, sgTrader);
        _expectRevert(IEvidenceRegistry.EvidenceRegistryNotAParty.selector, UCR_A, sgTrader);
        _removeParty(cnTrader, UCR_A, sgTrader);
    }

    function test_RevertWhen_NotOpened() public {
        _void(cnOps, UCR_A);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotOpened.selector, UCR_A)
        );
        _removeParty(cnOps, UCR_A, sgTrader);
    }
}

contract EvidenceRegistry_voidConsignment_Test is EvidenceRegistryConsignmentsBaseTest {
    function test_OriginCustomsVoids() public {
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentVoided(UCR_A, CN, cnOps, REASON);
        _void(cnOps, UCR_A);
        IEvidenceRegistry.Consignment memory c = registry.consignmentOf(UCR_A);
        assertFalse(c.open, "closed");
        assertEq(c.opening, 1, "opening kept");
        assertEq(c.opener, cnTrader, "opener kept");
        assertEq(registry.partyRole(UCR_A, sgTrader), bytes32(0), "no party of a closed one");
    }

    function test_RevertWhen_DestinationCustoms_OriginMember() public {
        _expectRevert(
            IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_A, sgOps
        );
        _void(sgOps, UCR_A);
    }

    function test_DestinationCustomsVoids_OriginNotMember() public {
        _openBy(sgTrader, UCR_C, VN, SG, _party(cnTrader, CONSIGNOR));
        _expectRevert(
            IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_C, cnOps
        );
        _void(cnOps, UCR_C);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentVoided(UCR_C, SG, sgOps, REASON);
        _void(sgOps, UCR_C);
        assertFalse(registry.consignmentOf(UCR_C).open, "closed");
    }

    function test_RevertWhen_TradeKeysOrThirdCustoms() public {
        address[4] memory callers = [cnTrader, sgTrader, cnForwarder, thOps];
        for (uint256 i = 0; i < callers.length; ++i) {
            _expectRevert(
                IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_A, callers[i]
            );
            _void(callers[i], UCR_A);
        }
    }

    function test_RevertWhen_NotOpened() public {
        _void(cnOps, UCR_A);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotOpened.selector, UCR_A)
        );
        _void(cnOps, UCR_A);
    }

    function test_AfterVoid_AppendsAndDecisionsRefused() public {
        _void(cnOps, UCR_A);
        bytes memory notOpened =
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotOpened.selector, UCR_A);
        address[3] memory keys = [cnTrader, cnOps, sgOps];
        for (uint256 i = 0; i < keys.length; ++i) {
            vm.expectRevert(notOpened);
            _append(keys[i], _one(_entry(UCR_A, _event(i), LOADED)));
        }
        IEvidenceRegistry.EvidenceEntry[] memory entries =
            _one(_decision(UCR_A, _event(9), RELEASED));
        bytes[] memory sigs = _sigsFor("cn-oracle", CN, entries);
        vm.expectRevert(notOpened);
        _submitAs(stranger, CN, entries, sigs);
    }

    /// @dev Reopened by CN customs to TH: the parties and opener of the first opening no longer
    /// count, SG's customs is no longer a side, TH's is.
    function test_Reopened_OldPartiesAndSidesNoLongerCount() public {
        _void(cnOps, UCR_A);
        vm.expectEmit(address(registry));
        emit IEvidenceRegistry.ConsignmentOpened(UCR_A, CN, TH, cnOps, 2);
        _openBy(cnOps, UCR_A, CN, TH, _noParties());
        assertEq(registry.consignmentOf(UCR_A).opening, 2, "second opening");
        assertEq(registry.partyRole(UCR_A, sgTrader), bytes32(0), "old party");
        assertEq(registry.partyRole(UCR_A, cnTrader), bytes32(0), "old opener");
        address[3] memory refused = [sgTrader, cnTrader, sgOps];
        for (uint256 i = 0; i < refused.length; ++i) {
            _expectRevert(IEvidenceRegistry.EvidenceRegistryNotAParty.selector, UCR_A, refused[i]);
            _append(refused[i], _one(_entry(UCR_A, _event(i), LOADED)));
        }
        _expectRevert(
            IEvidenceRegistry.EvidenceRegistryNotConsignmentManager.selector, UCR_A, cnTrader
        );
        _addParty(cnTrader, UCR_A, sgTrader, CONSIGNEE);
        // the old party can be added to the new opening
        _addParty(thOps, UCR_A, sgTrader, CONSIGNEE);
        _append(sgTrader, _one(_entry(UCR_A, _event(7), LOADED)));
        IEvidenceRegistry.EvidenceEntry memory e = _entry(UCR_A, _event(8), LOADED);
        (, bytes32 low) = _head(UCR_A);
        _expectAppended(
            e,
            TH,
            SIDE_IMPORT,
            2,
            _link(uint192(uint256(low)), 2, e, SIDE_IMPORT, TH, thOps, _now())
        );
        _append(thOps, _one(e));
    }

    /// @dev The chain is never reset: the first entry of the second opening links to the last
    /// of the first.
    function test_Reopened_ChainContinues() public {
        _append(cnTrader, _run(UCR_A, 1, 2));
        (, bytes32 low) = _head(UCR_A);
        _void(cnOps, UCR_A);
        vm.warp(block.timestamp + 1 days);
        _openBy(cnTrader, UCR_A, CN, SG, _noParties());
        IEvidenceRegistry.EvidenceEntry memory e = _entry(UCR_A, _event(3), LOADED);
        bytes32 link = _link(uint192(uint256(low)), 3, e, SIDE_PARTY, CN, cnTrader, _now());
        _expectAppended(e, CN, SIDE_PARTY, 3, link);
        _append(cnTrader, _one(e));
        (uint64 seq, bytes32 head) = _head(UCR_A);
        assertEq(seq, 3, "seq goes on");
        assertEq(head, _low(link), "head");
    }
}
