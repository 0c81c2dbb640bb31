// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium} from "./interfaces/IConsortium.sol";
import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {OracleQuorum} from "./OracleQuorum.sol";

/// @title EvidenceRegistry
/// @notice Append-only, hash-linked evidence chains of EPCIS events per consignment (see
/// IEvidenceRegistry): trade and party events from accredited TRADE_ROLE and CUSTOMS_ROLE keys,
/// customs decisions signed by a quorum of the deciding member's oracles.
/// @dev A consignment costs one storage word, its head, at a fixed slot (HEADS_SLOT) so that
/// heads can be proven with eth_getProof. Everything else about an entry is in its event. Of a
/// batch, the head of the consignment being appended to is kept on the stack and written when
/// the batch moves to another consignment and at the end: entries of one consignment that come
/// together in a batch cost one storage write.
contract EvidenceRegistry is OracleQuorum, IEvidenceRegistry {
    /// @notice Accredited trade parties: declarants, carriers, exporters (scope zero).
    bytes32 public constant TRADE_ROLE = keccak256("TRADE_ROLE");
    /// @notice Customs operational keys, recording observations (scope zero).
    bytes32 public constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    /// @notice Base of the heads mapping: consignment `c`'s head word is at
    /// `keccak256(abi.encode(c, HEADS_SLOT))`.
    bytes32 public constant HEADS_SLOT = keccak256("sanzhi.evidence.heads");
    /// @notice Most entries per `appendEvents` / `submitDecisions` call.
    uint256 public constant MAX_BATCH = 256;
    /// @notice Longest `cid`, in bytes.
    uint256 public constant MAX_CID_LENGTH = 128;
    /// @notice Most parents per entry.
    uint256 public constant MAX_PARENTS = 16;
    /// @notice Most consignments per `heads` call.
    uint256 public constant MAX_QUERIES = 1024;
    /// @notice Step codes from this one on are customs decisions; below, trade and party steps.
    uint16 public constant FIRST_DECISION_STEP = 256;
    /// @notice Highest valid event type (Transformation).
    uint8 public constant MAX_EVENT_TYPE = 3;

    /// @notice EIP-712 type hash of EvidenceEntry.
    bytes32 public constant EVIDENCE_ENTRY_TYPEHASH = keccak256(
        "EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 documentHash,bytes cid,bytes32[] parents)"
    );
    /// @notice EIP-712 type hash of EvidenceBatch, the message oracles sign.
    bytes32 public constant EVIDENCE_BATCH_TYPEHASH = keccak256(
        "EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 documentHash,bytes cid,bytes32[] parents)"
    );

    /// @dev topic0 of EvidenceAppended, for the log written in assembly (a test checks it
    /// against `EvidenceAppended.selector`).
    bytes32 private constant _APPENDED_TOPIC = keccak256(
        "EvidenceAppended(bytes32,bytes32,bytes32,uint64,bytes32,uint16,uint8,bool,bytes32,bytes,bytes32[])"
    );
    uint256 private constant _LINK_MASK = type(uint192).max;

    /// @param consortium_ The consortium whose members' keys append and whose oracles sign.
    constructor(IConsortium consortium_)
        OracleQuorum(consortium_, "sanzhi EvidenceRegistry", "1")
    {}

    // ---------------------------------------------------------------- appending

    /// @inheritdoc IEvidenceRegistry
    function appendEvents(EvidenceEntry[] calldata entries) external {
        bytes32 member = _operatorMember();
        _checkBatchSize(entries.length);
        _append(member, entries, false);
    }

    /// @inheritdoc IEvidenceRegistry
    function submitDecisions(
        bytes32 member,
        EvidenceEntry[] calldata entries,
        uint256 nonce,
        uint64 deadline,
        bytes[] calldata signatures
    ) external {
        _checkBatchSize(entries.length);
        _checkOracleQuorum(
            member, _batchHash(member, entries, nonce, deadline), nonce, deadline, signatures
        );
        _append(member, entries, true);
    }

    /// @inheritdoc IEvidenceRegistry
    function decisionsDigest(
        bytes32 member,
        EvidenceEntry[] calldata entries,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32) {
        return _oracleDigest(_batchHash(member, entries, nonce, deadline));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IEvidenceRegistry
    function head(bytes32 consignment) external view returns (uint64 seq, bytes32 link) {
        return _split(_load(_headSlot(consignment)));
    }

    /// @inheritdoc IEvidenceRegistry
    function heads(bytes32[] calldata consignments)
        external
        view
        returns (uint64[] memory seqs, bytes32[] memory links)
    {
        uint256 n = consignments.length;
        if (n > MAX_QUERIES) revert EvidenceRegistryTooManyQueries(n, MAX_QUERIES);
        seqs = new uint64[](n);
        links = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            (seqs[i], links[i]) = _split(_load(_headSlot(consignments[i])));
        }
    }

    /// @inheritdoc IEvidenceRegistry
    function headSlot(bytes32 consignment) external pure returns (bytes32) {
        return _headSlot(consignment);
    }

    /// @inheritdoc IEvidenceRegistry
    function entryLink(
        uint192 prevLink,
        uint64 seq,
        EvidenceEntry calldata entry,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) external pure returns (bytes32 link) {
        _checkEncoding(entry);
        (link,,) = _build(entry, prevLink, seq, member, submitter, timestamp);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Append `entries` (batch size already checked) for `member`, decisions or not.
    function _append(bytes32 member, EvidenceEntry[] calldata entries, bool decisions) private {
        uint256 n = entries.length;
        bytes32 current;
        bytes32 slot;
        uint256 word;
        for (uint256 i = 0; i < n; ++i) {
            EvidenceEntry calldata e = entries[i];
            bytes32 consignment = _check(e, i, decisions);
            if (consignment != current) {
                if (current != bytes32(0)) _store(slot, word);
                current = consignment;
                slot = _headSlot(consignment);
                word = _load(slot);
            }
            word = _appendOne(e, consignment, word, member);
        }
        _store(slot, word);
    }

    /// @dev Append `e` to `consignment`'s chain whose head word is `word`; return the new one.
    function _appendOne(EvidenceEntry calldata e, bytes32 consignment, uint256 word, bytes32 member)
        private
        returns (uint256)
    {
        // casting to 'uint64' is safe because the word's top 64 bits are the seq
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 seq = uint64(word >> 192) + 1;
        // The first entry links to the consignment itself, so that two consignments whose first
        // entries are alike never share a link (a parent reference names exactly one entry).
        uint256 prevLink = seq == 1 ? uint256(consignment) & _LINK_MASK : word & _LINK_MASK;
        (bytes32 link, uint256 ptr, uint256 size) =
            _build(e, prevLink, seq, member, msg.sender, uint64(block.timestamp));
        // The head moves on the stack; `_append` writes it once the consignment's run ends.
        _log(ptr, size, consignment, e, member);
        return (uint256(seq) << 192) | (uint256(link) & _LINK_MASK);
    }

    /// @dev Check entry number `index` (every rule of the interface's conventions, in its
    /// order) and return its consignment. Reading each field through Solidity also checks its
    /// ABI encoding, which `_build` and `_log` then rely on.
    function _check(EvidenceEntry calldata e, uint256 index, bool decisions)
        private
        pure
        returns (bytes32 consignment)
    {
        consignment = e.consignment;
        if (consignment == bytes32(0)) revert EvidenceRegistryZeroConsignment(index);
        if (e.eventHash == bytes32(0)) revert EvidenceRegistryZeroEventHash(index);
        uint16 step = e.step;
        if (step == 0) revert EvidenceRegistryInvalidStep(index, step);
        if (decisions) {
            if (step < FIRST_DECISION_STEP) revert EvidenceRegistryNotADecision(step);
        } else if (step >= FIRST_DECISION_STEP) {
            revert EvidenceRegistryDecisionNeedsQuorum(step);
        }
        uint8 eventType = e.eventType;
        if (eventType > MAX_EVENT_TYPE) revert EvidenceRegistryInvalidEventType(index, eventType);
        uint256 cidLength = e.cid.length;
        if (cidLength > MAX_CID_LENGTH) {
            revert EvidenceRegistryCidTooLong(index, cidLength, MAX_CID_LENGTH);
        }
        uint256 parentCount = e.parents.length;
        if (parentCount > MAX_PARENTS) {
            revert EvidenceRegistryTooManyParents(index, parentCount, MAX_PARENTS);
        }
        if (e.correction && parentCount == 0) {
            revert EvidenceRegistryCorrectionWithoutParent(index);
        }
    }

    /// @dev Read every field of `e` through Solidity, which reverts on a malformed encoding
    /// (dirty high bits, out-of-range offsets), as `_check` does for appended entries.
    function _checkEncoding(EvidenceEntry calldata e) private pure {
        (e.consignment, e.eventHash, e.step, e.eventType, e.correction, e.documentHash);
        (e.cid.length, e.parents.length);
    }

    /// @dev Write at the free memory pointer (without moving it: scratch space) the data of
    /// the entry's EvidenceAppended event, and compute the entry's link (see the interface).
    /// Returns the link and the event data's place and size. `e`'s encoding must have been
    /// checked (`_check` or `_checkEncoding`).
    /// Event data (ABI encoding of the non-indexed fields): seq, link, step, eventType,
    /// correction, documentHash, offset of cid (0x100), offset of parents, cid (length, bytes
    /// padded to words), parents (length, elements). The link's preimage is written after it.
    function _build(
        EvidenceEntry calldata e,
        uint256 prevLink,
        uint64 seq,
        bytes32 member,
        address submitter,
        uint64 time
    ) private pure returns (bytes32 link, uint256 ptr, uint256 size) {
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(ptr, seq)
            // step, eventType, correction, documentHash: words 2..5 of the entry
            calldatacopy(add(ptr, 0x40), add(e, 0x40), 0x80)
            mstore(add(ptr, 0xc0), 0x100)
            let cid := add(e, calldataload(add(e, 0xc0)))
            let cidLength := calldataload(cid)
            let cidWords := and(add(cidLength, 31), not(31))
            // Zero the last word of cid first: scratch memory may hold anything.
            mstore(add(ptr, add(0x100, cidWords)), 0)
            mstore(add(ptr, 0x100), cidLength)
            calldatacopy(add(ptr, 0x120), add(cid, 0x20), cidLength)
            let parentsAt := add(0x120, cidWords)
            mstore(add(ptr, 0xe0), parentsAt)
            let parents := add(e, calldataload(add(e, 0xe0)))
            let parentsLength := shl(5, calldataload(parents))
            mstore(add(ptr, parentsAt), calldataload(parents))
            calldatacopy(add(ptr, add(parentsAt, 0x20)), add(parents, 0x20), parentsLength)
            size := add(add(parentsAt, 0x20), parentsLength)

            let pre := add(ptr, size)
            mstore(pre, prevLink)
            mstore(add(pre, 0x20), seq)
            // eventHash, step, eventType, correction, documentHash: words 1..5 of the entry
            calldatacopy(add(pre, 0x40), add(e, 0x20), 0xa0)
            mstore(add(pre, 0xe0), keccak256(add(ptr, 0x120), cidLength))
            mstore(add(pre, 0x100), keccak256(add(ptr, add(parentsAt, 0x20)), parentsLength))
            mstore(add(pre, 0x120), member)
            mstore(add(pre, 0x140), submitter)
            mstore(add(pre, 0x160), time)
            link := keccak256(pre, 0x180)
            mstore(add(ptr, 0x20), link)
        }
    }

    /// @dev Emit EvidenceAppended with the data `_build` wrote at `ptr`.
    function _log(
        uint256 ptr,
        uint256 size,
        bytes32 consignment,
        EvidenceEntry calldata e,
        bytes32 member
    ) private {
        bytes32 topic = _APPENDED_TOPIC;
        assembly ("memory-safe") {
            log4(ptr, size, topic, consignment, calldataload(add(e, 0x20)), member)
        }
    }

    /// @dev The EIP-712 struct hash of an EvidenceBatch.
    function _batchHash(
        bytes32 member,
        EvidenceEntry[] calldata entries,
        uint256 nonce,
        uint64 deadline
    ) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](entries.length);
        for (uint256 i = 0; i < entries.length; ++i) {
            EvidenceEntry calldata e = entries[i];
            hashes[i] = keccak256(
                abi.encode(
                    EVIDENCE_ENTRY_TYPEHASH,
                    e.consignment,
                    e.eventHash,
                    e.step,
                    e.eventType,
                    e.correction,
                    e.documentHash,
                    keccak256(e.cid),
                    keccak256(abi.encodePacked(e.parents))
                )
            );
        }
        return keccak256(
            abi.encode(
                EVIDENCE_BATCH_TYPEHASH,
                member,
                keccak256(abi.encodePacked(hashes)),
                nonce,
                deadline
            )
        );
    }

    /// @dev The acting member of a TRADE_ROLE or CUSTOMS_ROLE key; never a member's admin.
    function _operatorMember() private view returns (bytes32 member) {
        bytes32 governed = _consortium.memberOf(msg.sender);
        if (governed != bytes32(0)) revert EvidenceRegistryAdminNotOperator(msg.sender, governed);
        if (
            !_consortium.isAccredited(msg.sender, TRADE_ROLE, bytes32(0))
                && !_consortium.isAccredited(msg.sender, CUSTOMS_ROLE, bytes32(0))
        ) {
            revert EvidenceRegistryNotAccredited(msg.sender);
        }
        member = _consortium.accreditingMember(msg.sender);
    }

    function _checkBatchSize(uint256 size) private pure {
        if (size == 0 || size > MAX_BATCH) {
            revert EvidenceRegistryInvalidBatchSize(size, MAX_BATCH);
        }
    }

    function _headSlot(bytes32 consignment) private pure returns (bytes32 slot) {
        bytes32 base = HEADS_SLOT;
        assembly ("memory-safe") {
            mstore(0x00, consignment)
            mstore(0x20, base)
            slot := keccak256(0x00, 0x40)
        }
    }

    function _load(bytes32 slot) private view returns (uint256 word) {
        assembly ("memory-safe") {
            word := sload(slot)
        }
    }

    function _store(bytes32 slot, uint256 word) private {
        assembly ("memory-safe") {
            sstore(slot, word)
        }
    }

    function _split(uint256 word) private pure returns (uint64 seq, bytes32 link) {
        // casting to 'uint64' is safe because the word's top 64 bits are the seq
        // forge-lint: disable-next-line(unsafe-typecast)
        seq = uint64(word >> 192);
        link = bytes32(word & _LINK_MASK);
    }
}
