// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceLinks, EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {Vm} from "./utils/Vm.sol";
import {EvidenceRegistry} from "../src/EvidenceRegistry.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @notice Submits random decisions, corrections and repeats over two consignments (open from CN
/// to SG), three members (CN the origin, SG the destination, TH neither), two declarations and
/// three steps, and predicts each outcome from its own ghost state: a plain decision is accepted
/// only when its key has no effective decision (and becomes it), a correction only when it names
/// the effective one (and retracts it), a third member never. Trade entries from CN customs move
/// the chains in between.
contract EvidenceDecisionsHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant CONSIGNMENTS = 2;
    uint256 internal constant MEMBERS = 3;
    uint256 internal constant DECLARATIONS = 2;
    uint256 internal constant STEPS = 3;
    uint16 internal constant FIRST_STEP = 256;

    EvidenceRegistry public registry;
    bytes32[CONSIGNMENTS] public consignments;
    bytes32[MEMBERS] public members;
    uint8[MEMBERS] internal _sides;
    uint256[MEMBERS] internal _oracleKeys;
    bytes32[DECLARATIONS] public declarations;
    address internal _customsKey;

    mapping(bytes32 key => bytes32 link) public ghostEffective;
    mapping(bytes32 key => uint256) public plainAccepted;
    mapping(bytes32 key => uint256) public retractions;
    mapping(bytes32 key => bytes32[] links) internal _history;
    uint256 internal _nonce;
    uint256 internal _events;
    uint256 public accepted;
    bool public unexpected;

    constructor(
        EvidenceRegistry registry_,
        bytes32[CONSIGNMENTS] memory consignments_,
        bytes32[MEMBERS] memory members_,
        uint8[MEMBERS] memory sides_,
        uint256[MEMBERS] memory oracleKeys_,
        address customsKey_
    ) {
        registry = registry_;
        consignments = consignments_;
        members = members_;
        _sides = sides_;
        _oracleKeys = oracleKeys_;
        _customsKey = customsKey_;
        declarations = [keccak256("EX-CN-2026-000001"), keccak256("IM-SG-2026-000001")];
    }

    /// @dev One decision of a random key: 0 plain, 1 a correction naming the effective link
    /// (or, if none, an earlier one or a made-up one), 2 a correction naming a stale or made-up
    /// link, 3 a batch of a plain decision and its correction, 4 a batch of two plain ones, 5 a
    /// batch of the correction of the effective link and a new plain decision.
    function decide(uint256 pick, uint8 mode, uint256 staleSeed) external {
        Pick memory p = _pick(pick);
        mode = mode % 6;
        IEvidenceRegistry.EvidenceEntry[] memory entries =
            new IEvidenceRegistry.EvidenceEntry[](mode >= 3 ? 2 : 1);
        entries[0] = _decision(p);
        if (mode == 1 || mode == 5) {
            _correct(entries[0], p.effective != 0 ? p.effective : _stale(p.key, staleSeed));
        } else if (mode == 2) {
            _correct(entries[0], _stale(p.key, staleSeed));
        }
        bytes32 first = _nextLink(p, entries[0], 0);
        bytes32 last = first;
        if (mode >= 3) {
            entries[1] = _decision(p);
            if (mode == 3) _correct(entries[1], first);
            last = _nextLink(p, entries[1], first);
        }
        bool needsNone = mode == 0 || mode == 3;
        bool needsOne = mode == 1 || mode == 5;
        bool expected =
            p.m != 2 && ((needsNone && p.effective == 0) || (needsOne && p.effective != 0));
        bool ok = _submit(p.m, entries);
        if (ok != expected) unexpected = true;
        if (!ok) return;
        for (uint256 i = 0; i < entries.length; ++i) {
            if (entries[i].correction) ++retractions[p.key];
            else ++plainAccepted[p.key];
        }
        _history[p.key].push(first);
        if (mode >= 3) _history[p.key].push(last);
        // a correction retracts: the key has the last plain decision, if it came after
        ghostEffective[p.key] = entries[entries.length - 1].correction ? bytes32(0) : last;
        ++accepted;
    }

    /// @dev A trade entry by CN customs, so that decisions do not always follow decisions.
    function appendTrade(uint256 pick) external {
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](1);
        entries[0].consignment = consignments[pick % CONSIGNMENTS];
        entries[0].eventHash = keccak256(abi.encode("trade", ++_events));
        entries[0].step = 10;
        vm.prank(_customsKey);
        try registry.appendEvents(entries) {}
        catch {
            unexpected = true;
        }
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + 1 + seconds_ % 1 days);
    }

    function keyOf(bytes32 c, bytes32 member, bytes32 declaration, uint16 step)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(c, member, declaration, step));
    }

    function sizes() external pure returns (uint256, uint256, uint256, uint256) {
        return (CONSIGNMENTS, MEMBERS, DECLARATIONS, STEPS);
    }

    /// @dev A key picked at random, with its effective decision as the ghost has it.
    struct Pick {
        bytes32 c;
        uint256 m;
        bytes32 d;
        uint16 step;
        bytes32 key;
        bytes32 effective;
    }

    function _pick(uint256 pick) internal view returns (Pick memory p) {
        p.c = consignments[pick % CONSIGNMENTS];
        p.m = (pick >> 8) % MEMBERS;
        p.d = declarations[(pick >> 16) % DECLARATIONS];
        p.step = uint16(FIRST_STEP + (pick >> 24) % STEPS);
        p.key = keyOf(p.c, members[p.m], p.d, p.step);
        p.effective = ghostEffective[p.key];
    }

    function _decision(Pick memory p) internal returns (IEvidenceRegistry.EvidenceEntry memory e) {
        e.consignment = p.c;
        e.eventHash = keccak256(abi.encode("decision", ++_events));
        e.step = p.step;
        e.declaration = p.d;
    }

    /// @dev The link of `e` appended after `previous` in this batch (zero: first of the batch,
    /// after the chain's head), sent by this handler.
    function _nextLink(Pick memory p, IEvidenceRegistry.EvidenceEntry memory e, bytes32 previous)
        internal
        view
        returns (bytes32)
    {
        (uint64 seq, bytes32 low) = registry.head(p.c);
        uint192 prev = seq == 0 ? uint192(uint256(p.c)) : uint192(uint256(low));
        if (previous != 0) {
            prev = uint192(uint256(previous));
            ++seq;
        }
        return
            EvidenceLinks.link(prev, seq + 1, e, _sides[p.m], members[p.m], address(this), _now());
    }

    function _correct(IEvidenceRegistry.EvidenceEntry memory e, bytes32 named) internal pure {
        e.correction = true;
        e.parents = new bytes32[](1);
        e.parents[0] = named;
    }

    /// @dev A link that is not the effective one of `key`: an earlier one, or a made-up one.
    function _stale(bytes32 key, uint256 seed) internal view returns (bytes32) {
        bytes32[] storage links = _history[key];
        if (links.length > 1 && seed % 2 == 0) return links[seed % (links.length - 1)];
        return keccak256(abi.encode("made-up", seed));
    }

    function _submit(uint256 m, IEvidenceRegistry.EvidenceEntry[] memory entries)
        internal
        returns (bool)
    {
        uint256 nonce = ++_nonce;
        bytes32 digest = registry.decisionsDigest(members[m], entries, nonce, _now());
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_oracleKeys[m], digest);
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = abi.encodePacked(r, s, v);
        try registry.submitDecisions(members[m], entries, nonce, _now(), sigs) {
            return true;
        } catch {
            return false;
        }
    }

    function _now() internal view returns (uint64) {
        return uint64(block.timestamp);
    }
}

contract EvidenceRegistryDecisionsInvariant_Test is EvidenceRegistryBaseTest {
    EvidenceDecisionsHandler internal handler;

    function setUp() public override {
        super.setUp();
        _addTh();
        _accredit(thCustoms, _actor("th-oracle"), ORACLE_ROLE, bytes32(0));
        handler = new EvidenceDecisionsHandler(
            registry,
            [UCR_A, UCR_B],
            [CN, SG, TH],
            [SIDE_EXPORT, SIDE_IMPORT, SIDE_PARTY],
            [_actorKey("cn-oracle"), _actorKey("sg-oracle"), _actorKey("th-oracle")],
            cnOps
        );
    }

    /// @dev forge-std's StdInvariant is not available: forge reads this list directly.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Every key: the effective decision is the last one accepted for it (zero: none, or
    /// retracted; always none for TH), and every plain decision but the one in force was
    /// retracted by a correction.
    function invariant_OneEffectiveDecisionPerKey_TheLastAccepted() public view {
        (uint256 nc, uint256 nm, uint256 nd, uint256 ns) = handler.sizes();
        for (uint256 c = 0; c < nc; ++c) {
            for (uint256 m = 0; m < nm; ++m) {
                for (uint256 d = 0; d < nd; ++d) {
                    for (uint16 s = 0; s < ns; ++s) {
                        _checkKey(
                            handler.consignments(c),
                            handler.members(m),
                            handler.declarations(d),
                            256 + s
                        );
                    }
                }
            }
        }
    }

    function invariant_OutcomesAsPredicted() public view {
        assertFalse(handler.unexpected(), "an outcome differed from the prediction");
    }

    function _checkKey(bytes32 c, bytes32 member, bytes32 declaration, uint16 step) internal view {
        bytes32 key = handler.keyOf(c, member, declaration, step);
        assertEq(
            registry.effectiveDecision(c, member, declaration, step),
            handler.ghostEffective(key),
            "effective = last accepted"
        );
        uint256 plain = handler.plainAccepted(key);
        uint256 retracted = handler.retractions(key);
        bool inForce = handler.ghostEffective(key) != bytes32(0);
        assertEq(plain, retracted + (inForce ? 1 : 0), "a plain decision in force beside another");
        if (member == TH) assertEq(handler.ghostEffective(key), bytes32(0), "TH is not a side");
    }
}
