// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {EvidenceRegistry} from "../src/EvidenceRegistry.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @notice Links recomputed for the tests, independently of the contract's two-part encoding.
library EvidenceLinks {
    /// @dev The fourteen values a link hashes, in their order. All static: abi.encode of this
    /// struct is abi.encode of the fourteen values.
    struct LinkFields {
        uint192 prevLink;
        uint64 seq;
        bytes32 eventHash;
        uint16 step;
        uint8 eventType;
        bool correction;
        bytes32 declaration;
        uint8 side;
        bytes32 documentHash;
        bytes32 cidHash;
        bytes32 parentsHash;
        bytes32 member;
        address submitter;
        uint64 timestamp;
    }

    /// @dev The link, by the formula of the interface, as one abi.encode of the fourteen values.
    function link(
        uint192 prevLink,
        uint64 seq,
        IEvidenceRegistry.EvidenceEntry memory e,
        uint8 side,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) internal pure returns (bytes32) {
        LinkFields memory f;
        f.prevLink = prevLink;
        f.seq = seq;
        f.eventHash = e.eventHash;
        f.step = e.step;
        f.eventType = e.eventType;
        f.correction = e.correction;
        f.declaration = e.declaration;
        f.side = side;
        f.documentHash = e.documentHash;
        f.cidHash = keccak256(e.cid);
        f.parentsHash = keccak256(abi.encodePacked(e.parents));
        f.member = member;
        f.submitter = submitter;
        f.timestamp = timestamp;
        return keccak256(abi.encode(f));
    }
}

/// @notice EvidenceRegistry on the CN+SG consortium with, per member, a trade party key
/// (TRADE_ROLE) and a customs key (CUSTOMS_ROLE); three CN oracles and one SG oracle; a CN
/// issuer and a CN auditor. UCR_A and UCR_B are open from CN (origin) to SG (destination), opened
/// by the CN trade key with the SG trade key as a party. Links are recomputed here with one
/// abi.encode of the fourteen values, independently of the contract's two-part encoding.
abstract contract EvidenceRegistryBaseTest is BaseTest {
    bytes32 internal constant TRADE_ROLE = keccak256("TRADE_ROLE");
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 internal constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    uint256 internal constant MAX_BATCH = 256;
    uint256 internal constant MAX_CID = 128;
    uint256 internal constant MAX_PARENTS = 16;
    uint256 internal constant MAX_QUERIES = 1024;
    uint16 internal constant LOADED = 10; // a trade step code
    uint16 internal constant RELEASED = 300; // a customs decision step code
    uint8 internal constant OBJECT = 0;
    uint8 internal constant TRANSFORMATION = 3;
    uint8 internal constant SIDE_PARTY = 0;
    uint8 internal constant SIDE_EXPORT = 1;
    uint8 internal constant SIDE_IMPORT = 2;
    bytes32 internal constant OPENER = bytes32("opener");
    bytes32 internal constant CONSIGNEE = bytes32("consignee");
    /// @dev keccak256 of a declaration id, for decisions.
    bytes32 internal constant DECLARATION = keccak256("EX-CN-2026-000001");

    bytes32 internal constant UCR_A = keccak256("6CN123456789-SG-0001");
    bytes32 internal constant UCR_B = keccak256("6CN123456789-SG-0002");
    bytes32 internal constant DOCUMENT = keccak256("commercial invoice");
    /// @dev A 36-byte CIDv1 (sha2-256, raw codec), as the gas goal assumes.
    bytes internal constant CID =
        hex"01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

    address internal cnTrader = _actor("cn-trader");
    address internal sgTrader = _actor("sg-trader");
    address internal cnOps = _actor("cn-ops");
    address internal sgOps = _actor("sg-ops");
    address internal cnOracle2 = _actor("cn-oracle-2");
    address internal cnOracle3 = _actor("cn-oracle-3");

    EvidenceRegistry internal registry;
    /// @dev The `_heads` mapping's slot, from the compiler's storage layout (as off-chain code
    /// takes it from the exported artifacts).
    uint256 internal headsSlot;
    /// @dev The oracle nonce of the next `_submitAs`.
    uint256 internal nextNonce = 1_000_000;

    function setUp() public virtual override {
        super.setUp();
        registry = new EvidenceRegistry(consortium);
        headsSlot = vm.parseJsonUint(
            vm.readFile("out/EvidenceRegistry.sol/EvidenceRegistry.json"),
            "$.storageLayout.storage[?(@.label == '_heads')].slot"
        );
        _list(address(registry));
        _accredit(cnCustoms, cnTrader, TRADE_ROLE, bytes32(0));
        _accredit(sgCustoms, sgTrader, TRADE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(sgCustoms, sgOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOracle2, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnOracle3, ORACLE_ROLE, bytes32(0));
        _accredit(sgCustoms, sgOracle, ORACLE_ROLE, bytes32(0));
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnAuditor, AUDITOR_ROLE, bytes32(0));
        _open(UCR_A);
        _open(UCR_B);
    }

    /// @dev Open `consignment` from CN to SG by the CN trade key, the SG trade key a party.
    function _open(bytes32 consignment) internal {
        _openBy(cnTrader, consignment, CN, SG, _party(sgTrader, CONSIGNEE));
    }

    function _openBy(
        address opener,
        bytes32 consignment,
        bytes32 origin,
        bytes32 destination,
        IEvidenceRegistry.Party[] memory parties
    ) internal {
        vm.prank(opener);
        registry.openConsignment(consignment, origin, destination, parties);
    }

    function _party(address account, bytes32 role)
        internal
        pure
        returns (IEvidenceRegistry.Party[] memory parties)
    {
        parties = new IEvidenceRegistry.Party[](1);
        parties[0] = IEvidenceRegistry.Party(account, role);
    }

    function _noParties() internal pure returns (IEvidenceRegistry.Party[] memory) {
        return new IEvidenceRegistry.Party[](0);
    }

    function _now() internal view returns (uint64) {
        return uint64(block.timestamp);
    }

    /// @dev A plain entry of `consignment`: event `eventHash`, step `step`, the CID, no parents.
    function _entry(bytes32 consignment, bytes32 eventHash, uint16 step)
        internal
        pure
        returns (IEvidenceRegistry.EvidenceEntry memory e)
    {
        e.consignment = consignment;
        e.eventHash = eventHash;
        e.step = step;
        e.eventType = OBJECT;
        e.documentHash = DOCUMENT;
        e.cid = CID;
    }

    /// @dev A decision entry of `consignment` on DECLARATION (see `_entry`).
    function _decision(bytes32 consignment, bytes32 eventHash, uint16 step)
        internal
        pure
        returns (IEvidenceRegistry.EvidenceEntry memory e)
    {
        e = _entry(consignment, eventHash, step);
        e.declaration = DECLARATION;
    }

    function _one(IEvidenceRegistry.EvidenceEntry memory e)
        internal
        pure
        returns (IEvidenceRegistry.EvidenceEntry[] memory entries)
    {
        entries = new IEvidenceRegistry.EvidenceEntry[](1);
        entries[0] = e;
    }

    /// @dev `count` trade entries of `consignment`, events numbered from `first`.
    function _run(bytes32 consignment, uint256 first, uint256 count)
        internal
        pure
        returns (IEvidenceRegistry.EvidenceEntry[] memory entries)
    {
        entries = new IEvidenceRegistry.EvidenceEntry[](count);
        for (uint256 i = 0; i < count; ++i) {
            entries[i] = _entry(consignment, _event(first + i), LOADED);
        }
    }

    /// @dev Event hash number `n` (a stand-in for a sha-256 digest; keccak256, as a sha256
    /// precompile call between `vm.expectRevert` and the call under test would consume it).
    function _event(uint256 n) internal pure returns (bytes32) {
        return keccak256(abi.encode("epcis-event", n));
    }

    function _parents(bytes32 a) internal pure returns (bytes32[] memory p) {
        p = new bytes32[](1);
        p[0] = a;
    }

    /// @dev The prevLink of a consignment's first entry: the consignment id's 192 low bits.
    function _firstLink(IEvidenceRegistry.EvidenceEntry memory e) internal pure returns (uint192) {
        return uint192(uint256(e.consignment));
    }

    /// @dev The link, by the formula of the interface (see EvidenceLinks).
    function _link(
        uint192 prevLink,
        uint64 seq,
        IEvidenceRegistry.EvidenceEntry memory e,
        uint8 side,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) internal pure returns (bytes32) {
        return EvidenceLinks.link(prevLink, seq, e, side, member, submitter, timestamp);
    }

    /// @dev Where a consignment's head word is stored.
    function _headSlot(bytes32 consignment) internal view returns (bytes32) {
        return keccak256(abi.encode(consignment, headsSlot));
    }

    /// @dev The head link as stored and returned: the 192 low bits, zero-extended.
    function _low(bytes32 link) internal pure returns (bytes32) {
        return bytes32(uint256(uint192(uint256(link))));
    }

    /// @dev What EvidenceAppended says besides the entry.
    struct Appended {
        bytes32 member;
        uint8 side;
        uint64 seq;
        bytes32 link;
    }

    /// @dev Expect the EvidenceAppended event of `e` for `member` on `side` as entry `seq` with
    /// link `link`.
    function _expectAppended(
        IEvidenceRegistry.EvidenceEntry memory e,
        bytes32 member,
        uint8 side,
        uint64 seq,
        bytes32 link
    ) internal {
        vm.expectEmit(address(registry));
        _emitAppended(Appended(member, side, seq, link), e);
    }

    /// @dev The event's thirteen values in one emit (two memory arguments: thirteen values and
    /// their sources would not fit the stack otherwise).
    function _emitAppended(Appended memory a, IEvidenceRegistry.EvidenceEntry memory e) private {
        emit IEvidenceRegistry.EvidenceAppended(
            e.consignment,
            e.eventHash,
            a.member,
            a.seq,
            a.link,
            e.step,
            e.eventType,
            e.correction,
            e.declaration,
            a.side,
            e.documentHash,
            e.cid,
            e.parents
        );
    }

    function _append(address caller, IEvidenceRegistry.EvidenceEntry[] memory entries) internal {
        vm.prank(caller);
        registry.appendEvents(entries);
    }

    function _head(bytes32 consignment) internal view returns (uint64 seq, bytes32 link) {
        return registry.head(consignment);
    }

    /// @dev Signatures by the actors `names` over the digest of a submitDecisions call.
    function _signAll(
        string[] memory names,
        bytes32 member,
        IEvidenceRegistry.EvidenceEntry[] memory entries,
        uint256 nonce,
        uint64 deadline
    ) internal view returns (bytes[] memory sigs) {
        bytes32 digest = registry.decisionsDigest(member, entries, nonce, deadline);
        sigs = new bytes[](names.length);
        for (uint256 i = 0; i < names.length; ++i) {
            sigs[i] = _sign(names[i], digest);
        }
    }

    /// @dev Signatures by the oracle `oracle` over `entries` of `member`, for the next
    /// `_submitAs` (nonce `nextNonce`, deadline now).
    function _sigsFor(
        string memory oracle,
        bytes32 member,
        IEvidenceRegistry.EvidenceEntry[] memory entries
    ) internal view returns (bytes[] memory) {
        return _signAll(_names(oracle), member, entries, nextNonce, _now());
    }

    /// @dev Send `entries` of `member` with `sigs` (from `_sigsFor`) as `sender`.
    function _submitAs(
        address sender,
        bytes32 member,
        IEvidenceRegistry.EvidenceEntry[] memory entries,
        bytes[] memory sigs
    ) internal {
        vm.prank(sender);
        registry.submitDecisions(member, entries, nextNonce++, _now(), sigs);
    }

    /// @dev `entries` of `member`, signed by its oracle `oracle`, sent by `sender`.
    function _decide(
        address sender,
        string memory oracle,
        bytes32 member,
        IEvidenceRegistry.EvidenceEntry[] memory entries
    ) internal {
        _submitAs(sender, member, entries, _sigsFor(oracle, member, entries));
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

    function _quorum(address admin, uint256 k) internal {
        vm.prank(admin);
        registry.setOracleQuorum(k);
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

    /// @dev Print a named number in `forge test -vv` output.
    event log_named_uint(string key, uint256 val);
    /// @dev Print a named word in `forge test -vv` output.
    event log_named_bytes32(string key, bytes32 val);
}
