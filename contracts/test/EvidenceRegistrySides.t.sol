// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryConsignmentsBaseTest} from "./EvidenceRegistryConsignmentsBaseTest.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @notice Who appends what on which side. UCR_A is open from CN to SG (opened by cnTrader,
/// sgTrader a party) and thTrader, a TH key, is added as a party.
abstract contract EvidenceRegistrySidesBaseTest is EvidenceRegistryConsignmentsBaseTest {
    function setUp() public virtual override {
        super.setUp();
        _addParty(cnTrader, UCR_A, thTrader, CARRIER);
    }

    /// @dev The link entry `e` gets when appended next, for `member` on `side`, sent by `sender`.
    function _nextLink(
        IEvidenceRegistry.EvidenceEntry memory e,
        uint8 side,
        bytes32 member,
        address sender
    ) internal view returns (bytes32) {
        (uint64 seq, bytes32 low) = _head(e.consignment);
        uint192 prev = seq == 0 ? uint192(uint256(e.consignment)) : uint192(uint256(low));
        return _link(prev, seq + 1, e, side, member, sender, _now());
    }

    /// @dev Append `e` as `key`, expecting it for `member` on `side`; return its link.
    function _appendOn(
        address key,
        IEvidenceRegistry.EvidenceEntry memory e,
        bytes32 member,
        uint8 side
    ) internal returns (bytes32 link) {
        link = _nextLink(e, side, member, key);
        (uint64 seq,) = _head(e.consignment);
        _expectAppended(e, member, side, seq + 1, link);
        _append(key, _one(e));
    }

    /// @dev Decision `e` of `member`, signed by `oracle`, sent by a stranger, expected on `side`;
    /// return its link.
    function _decideOn(
        string memory oracle,
        bytes32 member,
        IEvidenceRegistry.EvidenceEntry memory e,
        uint8 side
    ) internal returns (bytes32 link) {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _one(e);
        bytes[] memory sigs = _sigsFor(oracle, member, entries);
        link = _nextLink(e, side, member, stranger);
        (uint64 seq,) = _head(e.consignment);
        _expectAppended(e, member, side, seq + 1, link);
        _submitAs(stranger, member, entries, sigs);
    }

    /// @dev Decision `e` of `member` signed by `oracle` is refused with `err`.
    function _decideRefused(
        string memory oracle,
        bytes32 member,
        IEvidenceRegistry.EvidenceEntry memory e,
        bytes memory err
    ) internal {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _one(e);
        bytes[] memory sigs = _sigsFor(oracle, member, entries);
        vm.expectRevert(err);
        _submitAs(stranger, member, entries, sigs);
    }
}

contract EvidenceRegistry_appendEventsSides_Test is EvidenceRegistrySidesBaseTest {
    /// @dev Parties (accredited by the origin, the destination or a third member) append on
    /// side 0 for their own member; the sides' customs keys on side 1 and 2; every trade step.
    function test_PartiesAndSidesCustoms_EveryTradeStep() public {
        address[5] memory keys = [cnTrader, sgTrader, thTrader, cnOps, sgOps];
        bytes32[5] memory members = [CN, SG, TH, CN, SG];
        uint8[5] memory sides = [SIDE_PARTY, SIDE_PARTY, SIDE_PARTY, SIDE_EXPORT, SIDE_IMPORT];
        uint16[3] memory steps = [uint16(1), LOADED, 255];
        for (uint256 k = 0; k < keys.length; ++k) {
            for (uint256 s = 0; s < steps.length; ++s) {
                _appendOn(
                    keys[k], _entry(UCR_A, _event(k * 10 + s), steps[s]), members[k], sides[k]
                );
            }
        }
        (uint64 seq,) = _head(UCR_A);
        assertEq(seq, 15, "all appended");
    }

    /// @dev A side's customs key that is also a party still appends on its side.
    function test_CustomsKeyListedAsParty_KeepsItsSide() public {
        _addParty(cnTrader, UCR_A, sgOps, CONSIGNEE);
        _appendOn(sgOps, _entry(UCR_A, _event(1), LOADED), SG, SIDE_IMPORT);
    }

    /// @dev A third member's customs key appends only as a party, on side 0.
    function test_ThirdMemberCustoms_AsParty() public {
        _expectRevert(IEvidenceRegistry.EvidenceRegistryNotAParty.selector, UCR_A, thOps);
        _append(thOps, _one(_entry(UCR_A, _event(1), LOADED)));
        _addParty(sgOps, UCR_A, thOps, CARRIER);
        _appendOn(thOps, _entry(UCR_A, _event(2), LOADED), TH, SIDE_PARTY);
    }

    function test_RevertWhen_NotAParty() public {
        // a trade key of the origin not listed; a trade key and a customs key of a third member
        _removeParty(cnTrader, UCR_A, thTrader);
        address[3] memory keys = [cnForwarder, thTrader, thOps];
        for (uint256 i = 0; i < keys.length; ++i) {
            _expectRevert(IEvidenceRegistry.EvidenceRegistryNotAParty.selector, UCR_A, keys[i]);
            _append(keys[i], _one(_entry(UCR_A, _event(i), LOADED)));
        }
    }

    /// @dev A party whose accreditation is withdrawn stops counting at once, role or not.
    function test_RevertWhen_PartyWithdrawn() public {
        vm.prank(sgCustoms);
        consortium.withdraw(sgTrader, TRADE_ROLE, bytes32(0));
        assertEq(registry.partyRole(UCR_A, sgTrader), CONSIGNEE, "role still recorded");
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryNotAccredited.selector, sgTrader
            )
        );
        _append(sgTrader, _one(_entry(UCR_A, _event(1), LOADED)));
    }

    /// @dev The keys of a member that left stop counting (their accreditations lapse).
    function test_RevertWhen_PartysMemberLeft() public {
        _removeTh();
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryNotAccredited.selector, thTrader
            )
        );
        _append(thTrader, _one(_entry(UCR_A, _event(1), LOADED)));
    }

    /// @dev Standing is checked per entry: a party of A that is not one of UCR_C is refused at
    /// entry 1, after entry 0 passed; nothing is appended.
    function test_RevertWhen_PartyOfOneConsignmentOnly() public {
        _openBy(cnOps, UCR_C, CN, SG, _noParties());
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](2);
        entries[0] = _entry(UCR_A, _event(1), LOADED);
        entries[1] = _entry(UCR_C, _event(2), LOADED);
        _expectRevert(IEvidenceRegistry.EvidenceRegistryNotAParty.selector, UCR_C, sgTrader);
        _append(sgTrader, entries);
        // the SG customs key is a side of both
        _append(sgOps, entries);
        (uint64 seq,) = _head(UCR_C);
        assertEq(seq, 1, "C");
    }
}

contract EvidenceRegistry_submitDecisionsSides_Test is EvidenceRegistrySidesBaseTest {
    /// @dev The origin's quorum decides on side 1, the destination's on side 2, every step.
    function test_OriginAndDestinationQuorums_EverySide() public {
        for (uint16 step = 256; step <= 260; ++step) {
            bytes32 cn = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(step), step), 1);
            bytes32 sg = _decideOn("sg-oracle", SG, _decision(UCR_A, _event(step), step), 2);
            assertEq(registry.effectiveDecision(UCR_A, CN, DECLARATION, step), cn, "CN");
            assertEq(registry.effectiveDecision(UCR_A, SG, DECLARATION, step), sg, "SG");
        }
    }

    function test_RevertWhen_ThirdMemberQuorum() public {
        for (uint16 step = 256; step <= 260; ++step) {
            _decideRefused(
                "th-oracle",
                TH,
                _decision(UCR_A, _event(step), step),
                abi.encodeWithSelector(
                    IEvidenceRegistry.EvidenceRegistryNotASide.selector, UCR_A, TH
                )
            );
        }
    }

    /// @dev Standing before declaration: a third member's decision without a declaration is
    /// NotASide; a closed consignment's is NotOpened.
    function test_RevertWhen_SeveralFaults_StandingFirst() public {
        IEvidenceRegistry.EvidenceEntry memory e = _entry(UCR_A, _event(1), RELEASED);
        _decideRefused(
            "th-oracle",
            TH,
            e,
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotASide.selector, UCR_A, TH)
        );
        e.consignment = UCR_C;
        _decideRefused(
            "cn-oracle",
            CN,
            e,
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotOpened.selector, UCR_C)
        );
    }

    function test_RevertWhen_NoDeclaration() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](2);
        entries[0] = _decision(UCR_A, _event(1), RELEASED);
        entries[1] = _entry(UCR_A, _event(2), 301);
        bytes[] memory sigs = _sigsFor("sg-oracle", SG, entries);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNoDeclaration.selector, 1)
        );
        _submitAs(stranger, SG, entries, sigs);
    }

    function test_RevertWhen_AlreadyDecided() public {
        bytes32 first = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(1), RELEASED), 1);
        _decideRefused("cn-oracle", CN, _decision(UCR_A, _event(2), RELEASED), _decided(CN, first));
    }

    /// @dev A repeat within one batch is refused too: the first entry is effective by then.
    function test_RevertWhen_AlreadyDecided_SameBatch() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](2);
        entries[0] = _decision(UCR_A, _event(1), RELEASED);
        entries[1] = _decision(UCR_A, _event(2), RELEASED);
        bytes32 first = _nextLink(entries[0], SIDE_EXPORT, CN, stranger);
        bytes[] memory sigs = _sigsFor("cn-oracle", CN, entries);
        vm.expectRevert(_decided(CN, first));
        _submitAs(stranger, CN, entries, sigs);
    }

    function test_CorrectionRetractsTheEffectiveDecision() public {
        bytes32 first = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(1), RELEASED), 1);
        _decideOn("cn-oracle", CN, _correction(_event(1), first), 1);
        assertEq(registry.effectiveDecision(UCR_A, CN, DECLARATION, RELEASED), 0, "retracted");
        // the corrective decision follows as a decision of its own, and is then in force
        bytes32 corrective = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(2), RELEASED), 1);
        assertEq(
            registry.effectiveDecision(UCR_A, CN, DECLARATION, RELEASED), corrective, "corrective"
        );
        // a plain repeat names the decision in force
        _decideRefused(
            "cn-oracle", CN, _decision(UCR_A, _event(3), RELEASED), _decided(CN, corrective)
        );
    }

    /// @dev A decision, its retraction and the corrective decision in one batch.
    function test_CorrectionInSameBatch() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](3);
        entries[0] = _decision(UCR_A, _event(1), RELEASED);
        bytes32 first = _nextLink(entries[0], SIDE_IMPORT, SG, stranger);
        entries[1] = _correction(_event(1), first);
        bytes32 second =
            _link(uint192(uint256(first)), 2, entries[1], SIDE_IMPORT, SG, stranger, _now());
        entries[2] = _decision(UCR_A, _event(2), RELEASED);
        bytes32 third =
            _link(uint192(uint256(second)), 3, entries[2], SIDE_IMPORT, SG, stranger, _now());
        _decide(stranger, "sg-oracle", SG, entries);
        assertEq(registry.effectiveDecision(UCR_A, SG, DECLARATION, RELEASED), third, "third");
    }

    /// @dev A decision retracted once is not retracted again; the retraction is not a decision.
    function test_RevertWhen_CorrectionNamesStaleLink() public {
        bytes32 first = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(1), RELEASED), 1);
        bytes32 second = _decideOn("cn-oracle", CN, _correction(_event(1), first), 1);
        _decideRefused("cn-oracle", CN, _correction(_event(1), first), _notEffective(first, 0));
        _decideRefused("cn-oracle", CN, _correction(_event(1), second), _notEffective(second, 0));
        bytes32 third = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(2), RELEASED), 1);
        _decideRefused("cn-oracle", CN, _correction(_event(1), first), _notEffective(first, third));
    }

    function test_RevertWhen_CorrectionWithNoneEffective() public {
        bytes32 named = keccak256("some entry");
        _decideRefused("cn-oracle", CN, _correction(_event(1), named), _notEffective(named, 0));
        // a trade entry is not a decision to correct
        bytes32 trade = _appendOn(cnTrader, _entry(UCR_A, _event(2), LOADED), CN, SIDE_PARTY);
        _decideRefused("cn-oracle", CN, _correction(_event(3), trade), _notEffective(trade, 0));
    }

    /// @dev The other side's effective decision is not this side's to correct.
    function test_RevertWhen_CorrectionOfOtherSidesDecision() public {
        bytes32 cn = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(1), RELEASED), 1);
        _decideRefused("sg-oracle", SG, _correction(_event(2), cn), _notEffective(cn, 0));
    }

    /// @dev One effective decision per (consignment, member, declaration, step): another
    /// declaration, the other side, another step or another consignment are independent.
    function test_KeysIndependent() public {
        bytes32 a = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(1), RELEASED), 1);
        IEvidenceRegistry.EvidenceEntry memory e = _decision(UCR_A, _event(2), RELEASED);
        e.declaration = keccak256("IM-SG-2026-000001");
        bytes32 b = _decideOn("cn-oracle", CN, e, 1);
        bytes32 c = _decideOn("sg-oracle", SG, _decision(UCR_A, _event(3), RELEASED), 2);
        bytes32 d = _decideOn("cn-oracle", CN, _decision(UCR_A, _event(4), RELEASED + 1), 1);
        bytes32 f = _decideOn("cn-oracle", CN, _decision(UCR_B, _event(5), RELEASED), 1);
        assertEq(registry.effectiveDecision(UCR_A, CN, DECLARATION, RELEASED), a, "a");
        assertEq(registry.effectiveDecision(UCR_A, CN, e.declaration, RELEASED), b, "b");
        assertEq(registry.effectiveDecision(UCR_A, SG, DECLARATION, RELEASED), c, "c");
        assertEq(registry.effectiveDecision(UCR_A, CN, DECLARATION, RELEASED + 1), d, "d");
        assertEq(registry.effectiveDecision(UCR_B, CN, DECLARATION, RELEASED), f, "f");
        assertEq(registry.effectiveDecision(UCR_A, TH, DECLARATION, RELEASED), 0, "none");
    }

    /// @dev Origin not a member: the destination decides on side 2; CN, a member that is not a
    /// side, is refused.
    function test_OriginNotMember() public {
        _openBy(sgOps, UCR_C, VN, SG, _noParties());
        _decideOn("sg-oracle", SG, _decision(UCR_C, _event(1), RELEASED), 2);
        _decideRefused(
            "cn-oracle",
            CN,
            _decision(UCR_C, _event(2), RELEASED),
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotASide.selector, UCR_C, CN)
        );
    }

    /// @dev A correction of RELEASED on DECLARATION of UCR_A naming `named`.
    function _correction(bytes32 eventHash, bytes32 named)
        internal
        pure
        returns (IEvidenceRegistry.EvidenceEntry memory e)
    {
        e = _decision(UCR_A, eventHash, RELEASED);
        e.correction = true;
        e.parents = _parents(named);
    }

    function _decided(bytes32 member, bytes32 effective) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            IEvidenceRegistry.EvidenceRegistryAlreadyDecided.selector,
            UCR_A,
            member,
            DECLARATION,
            RELEASED,
            effective
        );
    }

    function _notEffective(bytes32 named, bytes32 effective) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            IEvidenceRegistry.EvidenceRegistryNotEffectiveDecision.selector,
            UCR_A,
            RELEASED,
            named,
            effective
        );
    }
}
