// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceLinks, EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {Vm} from "./utils/Vm.sol";
import {EvidenceRegistry} from "../src/EvidenceRegistry.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @notice Appends random batches to a few consignments (open from CN to SG), through the two
/// trade keys (parties, side 0) and the two customs keys (sides 1 and 2) and through CN's oracle
/// quorum (side 1), keeping its own ghost chain per consignment (links recomputed with
/// abi.encode). A stranger's attempts must always fail; the handler's batches are always valid
/// (decisions each on a declaration of their own), so they must always succeed.
contract EvidenceRegistryHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant CONSIGNMENTS = 4;

    EvidenceRegistry public registry;
    address[4] internal _keys;
    bytes32[4] internal _keyMembers;
    uint8[4] internal _keySides;
    uint256 internal _oracleKey;
    address public stranger;

    bytes32[CONSIGNMENTS] public consignments;
    mapping(bytes32 consignment => uint192) public ghostLink;
    mapping(bytes32 consignment => uint64) public ghostSeq;
    uint256 public appended;
    uint256 internal _nonce;
    bool public validBatchRefused;
    bool public strangerSucceeded;

    constructor(
        EvidenceRegistry registry_,
        address[4] memory keys_,
        bytes32[4] memory keyMembers_,
        uint8[4] memory keySides_,
        uint256 oracleKey_,
        address stranger_
    ) {
        registry = registry_;
        _keys = keys_;
        _keyMembers = keyMembers_;
        _keySides = keySides_;
        _oracleKey = oracleKey_;
        stranger = stranger_;
        for (uint256 i = 0; i < CONSIGNMENTS; ++i) {
            consignments[i] = keccak256(abi.encode("invariant-ucr", i));
        }
    }

    /// @dev A trade or customs key appends 1..12 trade entries.
    function append(uint256 keySeed, uint256 seed, uint8 count) external {
        uint256 k = keySeed % _keys.length;
        IEvidenceRegistry.EvidenceEntry[] memory entries = _batch(seed, 1 + count % 12, false);
        vm.prank(_keys[k]);
        try registry.appendEvents(entries) {
            _record(entries, _keyMembers[k], _keySides[k], _keys[k]);
        } catch {
            validBatchRefused = true;
        }
    }

    /// @dev CN's oracle signs 1..6 decisions; `sender` submits them.
    function decide(address sender, uint256 seed, uint8 count) external {
        uint256 nonce = ++_nonce;
        IEvidenceRegistry.EvidenceEntry[] memory entries = _batch(seed, 1 + count % 6, true);
        uint64 deadline = uint64(block.timestamp);
        bytes32 digest = registry.decisionsDigest(bytes32("CN"), entries, nonce, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_oracleKey, digest);
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = abi.encodePacked(r, s, v);
        vm.prank(sender);
        try registry.submitDecisions(bytes32("CN"), entries, nonce, deadline, sigs) {
            _record(entries, bytes32("CN"), 1, sender);
        } catch {
            validBatchRefused = true;
        }
    }

    function strangerAppends(uint256 seed) external {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _batch(seed, 1, false);
        vm.prank(stranger);
        try registry.appendEvents(entries) {
            strangerSucceeded = true;
        } catch {}
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + 1 + seconds_ % 1 days);
    }

    /// @dev `n` valid entries over the consignments, in runs of random length.
    function _batch(uint256 seed, uint256 n, bool decisions)
        internal
        view
        returns (IEvidenceRegistry.EvidenceEntry[] memory entries)
    {
        entries = new IEvidenceRegistry.EvidenceEntry[](n);
        uint256 c = seed % CONSIGNMENTS;
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (r % 3 == 0) c = (r >> 8) % CONSIGNMENTS;
            IEvidenceRegistry.EvidenceEntry memory e = entries[i];
            e.consignment = consignments[c];
            e.eventHash = bytes32(r | 1);
            e.step = decisions ? uint16(256 + (r >> 16) % 65_280) : uint16(1 + (r >> 16) % 255);
            e.eventType = uint8((r >> 32) % 4);
            e.documentHash = (r >> 40) % 2 == 0 ? bytes32(0) : keccak256(abi.encode(r));
            e.cid = abi.encodePacked(bytes4(uint32(r >> 48)), r);
            // a declaration of its own per decision (nonce, index): each is the first on its key
            if (decisions) e.declaration = keccak256(abi.encode("declaration", _nonce, i));
            if ((r >> 80) % 3 == 0) {
                e.parents = new bytes32[](1 + (r >> 88) % 3);
                e.parents[0] = bytes32(r >> 96);
                // a decision's correction must name the effective decision: none here
                e.correction = !decisions && (r >> 120) % 2 == 0;
            }
        }
    }

    function _record(
        IEvidenceRegistry.EvidenceEntry[] memory entries,
        bytes32 member,
        uint8 side,
        address by
    ) internal {
        for (uint256 i = 0; i < entries.length; ++i) {
            IEvidenceRegistry.EvidenceEntry memory e = entries[i];
            uint64 seq = ++ghostSeq[e.consignment];
            // a consignment's first entry links to the consignment id's 192 low bits
            uint192 prev = seq == 1 ? uint192(uint256(e.consignment)) : ghostLink[e.consignment];
            bytes32 link =
                EvidenceLinks.link(prev, seq, e, side, member, by, uint64(block.timestamp));
            ghostLink[e.consignment] = uint192(uint256(link));
            ++appended;
        }
    }

    function consignmentCount() external pure returns (uint256) {
        return CONSIGNMENTS;
    }
}

contract EvidenceRegistryInvariant_Test is EvidenceRegistryBaseTest {
    EvidenceRegistryHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new EvidenceRegistryHandler(
            registry,
            [cnTrader, sgTrader, cnOps, sgOps],
            [CN, SG, CN, SG],
            [SIDE_PARTY, SIDE_PARTY, SIDE_EXPORT, SIDE_IMPORT],
            _actorKey("cn-oracle"),
            stranger
        );
        for (uint256 i = 0; i < handler.consignmentCount(); ++i) {
            _open(handler.consignments(i));
        }
    }

    /// @dev forge-std's StdInvariant is not available: forge reads this list directly.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_HeadCommitsToEveryEventInOrder() public view {
        uint256 total;
        for (uint256 i = 0; i < handler.consignmentCount(); ++i) {
            bytes32 c = handler.consignments(i);
            (uint64 seq, bytes32 link) = registry.head(c);
            assertEq(seq, handler.ghostSeq(c), "seq = number appended");
            assertEq(link, bytes32(uint256(handler.ghostLink(c))), "head = ghost chain's head");
            assertEq(
                uint256(vm.load(address(registry), _headSlot(c))),
                (uint256(seq) << 192) | uint256(link),
                "stored word"
            );
            total += seq;
        }
        assertEq(total, handler.appended(), "every entry counted once");
    }

    function invariant_ValidBatchesAccepted() public view {
        assertFalse(handler.validBatchRefused(), "a valid batch was refused");
    }

    function invariant_StrangerNeverAppends() public view {
        assertFalse(handler.strangerSucceeded(), "stranger appended");
    }
}
