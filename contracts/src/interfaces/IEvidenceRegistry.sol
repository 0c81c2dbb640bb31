// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IOracleQuorum} from "./IOracleQuorum.sol";

/// @title IEvidenceRegistry
/// @notice Evidence chains per consignment: for each consignment (a WCO UCR), an append-only,
/// hash-linked sequence of EPCIS events. Only hashes go on chain; the events themselves, and
/// the documents they refer to, stay off chain.
/// @dev Conventions:
/// - `consignment` is keccak256 of the canonical UCR (computed off chain); `eventHash` the
///   32-byte sha-256 digest of the event's GS1 canonical event hash. Neither may be zero.
/// - `step` is a business step code: 1..255 trade and party steps, 256..65535 customs
///   decisions; 0 is invalid. `eventType` is 0 Object, 1 Aggregation, 2 Transaction,
///   3 Transformation. `correction` marks an EPCIS errorDeclaration: the entry corrects
///   `parents[0]`. `documentHash` is optional (zero). `cid` is optional (empty), at most
///   MAX_CID_LENGTH (128) bytes. `parents` are links of other entries (of any consignment)
///   or certificate leaves, at most MAX_PARENTS (16).
/// - Trade and party events (steps 1..255) are appended by `appendEvents`, sent by an account
///   accredited TRADE_ROLE (keccak256("TRADE_ROLE"): declarants, carriers, exporters) or
///   CUSTOMS_ROLE (keccak256("CUSTOMS_ROLE"): customs officers recording observations), scope
///   zero, by an active member: the acting member. A member's admin account (its governance
///   key) is refused even if it also holds such an accreditation
///   (EvidenceRegistryAdminNotOperator).
/// - Customs decisions (steps 256..65535) are appended by `submitDecisions` only, signed by a
///   quorum of the deciding member's oracles (IOracleQuorum). EIP-712 domain
///   `{name: "sanzhi EvidenceRegistry", version: "1", chainId, verifyingContract}`, primary
///   type EvidenceBatch, type string (exactly, the two concatenated without separator):
///   `EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)`
///   `EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,`
///   `bool correction,bytes32 documentHash,bytes cid,bytes32[] parents)`
///   (`cid` hashed as keccak256 of its bytes, `parents` as keccak256 of the concatenated
///   elements, `entries` as keccak256 of the concatenated EvidenceEntry struct hashes).
/// - Links: entry number `seq` (1-based) of consignment `c`, appended for `member` by
///   `submitter` (msg.sender, also for a quorum submission) at block time `timestamp`, has
///   `link = keccak256(abi.encode(uint192 prevLink, uint64 seq, bytes32 eventHash, uint16 step,
///   uint8 eventType, bool correction, bytes32 documentHash, keccak256(cid),
///   keccak256(abi.encodePacked(parents)), bytes32 member, address submitter,
///   uint64 timestamp))`, where `prevLink` is the 192 low bits of the previous entry's link
///   (for seq 1: the 192 low bits of the consignment id, so that the chains of two consignments never
///   share a link even when their first entries are alike).
/// - Head: per consignment one storage word, `(uint256(seq) << 192) | uint192(link)` of its
///   latest entry (zero: no entry). It lives at slot `keccak256(abi.encode(c, HEADS_SLOT))`,
///   `HEADS_SLOT = keccak256("sanzhi.evidence.heads")`, so that off-chain code can prove a
///   head with eth_getProof; nothing else is stored in that mapping's slots.
/// - A batch holds 1..MAX_BATCH (256) entries, applied in order: entries of one consignment
///   chain in their batch order. One invalid entry reverts the whole batch. Entry checks, in
///   this order: consignment, eventHash, step (0), step class (DecisionNeedsQuorum or
///   NotADecision), eventType, cid length, parents count, correction without parents.
interface IEvidenceRegistry is IOracleQuorum {
    /// @notice One EPCIS event to append to its consignment's chain, as submitted and signed.
    struct EvidenceEntry {
        bytes32 consignment;
        bytes32 eventHash;
        uint16 step;
        uint8 eventType;
        bool correction;
        bytes32 documentHash;
        bytes cid;
        bytes32[] parents;
    }

    /// @notice An entry was appended to `consignment`'s chain as number `seq`, for `member`.
    /// The submitter and time are the transaction's sender and the block's timestamp.
    /// @param link The entry's full link hash (the head stores its 192 low bits).
    event EvidenceAppended(
        bytes32 indexed consignment,
        bytes32 indexed eventHash,
        bytes32 indexed member,
        uint64 seq,
        bytes32 link,
        uint16 step,
        uint8 eventType,
        bool correction,
        bytes32 documentHash,
        bytes cid,
        bytes32[] parents
    );

    /// @notice The caller is not accredited TRADE_ROLE or CUSTOMS_ROLE by an active member.
    error EvidenceRegistryNotAccredited(address caller);
    /// @notice The caller is the admin account (governance key) of `member`.
    error EvidenceRegistryAdminNotOperator(address caller, bytes32 member);
    /// @notice A batch must hold 1..`max` entries.
    error EvidenceRegistryInvalidBatchSize(uint256 size, uint256 max);
    /// @notice A customs decision (step >= 256) sent to appendEvents: it needs submitDecisions.
    error EvidenceRegistryDecisionNeedsQuorum(uint16 step);
    /// @notice A trade or party step (1..255) sent to submitDecisions.
    error EvidenceRegistryNotADecision(uint16 step);
    /// @notice Entry number `index` of the batch has a zero consignment.
    error EvidenceRegistryZeroConsignment(uint256 index);
    /// @notice Entry number `index` of the batch has a zero event hash.
    error EvidenceRegistryZeroEventHash(uint256 index);
    /// @notice Entry number `index` of the batch has step 0.
    error EvidenceRegistryInvalidStep(uint256 index, uint16 step);
    /// @notice Entry number `index` of the batch has an event type above 3.
    error EvidenceRegistryInvalidEventType(uint256 index, uint8 eventType);
    /// @notice Entry number `index` of the batch has a cid longer than `max` bytes.
    error EvidenceRegistryCidTooLong(uint256 index, uint256 length, uint256 max);
    /// @notice Entry number `index` of the batch has more than `max` parents.
    error EvidenceRegistryTooManyParents(uint256 index, uint256 count, uint256 max);
    /// @notice Entry number `index` of the batch is a correction without a parent to correct.
    error EvidenceRegistryCorrectionWithoutParent(uint256 index);
    /// @notice More consignments asked in one `heads` call than `max`.
    error EvidenceRegistryTooManyQueries(uint256 count, uint256 max);

    /// @notice Append 1..MAX_BATCH trade or party events (steps 1..255), in order, for the
    /// caller's member. The caller is a TRADE_ROLE or CUSTOMS_ROLE key (see the conventions).
    /// @param entries The entries; several of one consignment chain in this order.
    function appendEvents(EvidenceEntry[] calldata entries) external;

    /// @notice Append 1..MAX_BATCH customs decisions (steps 256..65535), in order, for
    /// `member`, signed by a quorum of its oracles (see IOracleQuorum). Anyone may submit; the
    /// sender is the submitter recorded in the links.
    /// @param member The deciding member.
    /// @param entries The entries; several of one consignment chain in this order.
    /// @param nonce Unused nonce of `member`.
    /// @param deadline Last block time at which the submission is accepted.
    /// @param signatures 65-byte signatures of distinct oracles of `member`.
    function submitDecisions(
        bytes32 member,
        EvidenceEntry[] calldata entries,
        uint256 nonce,
        uint64 deadline,
        bytes[] calldata signatures
    ) external;

    /// @notice The EIP-712 digest the oracles sign for a submitDecisions call.
    /// @param member The deciding member.
    /// @param entries The entries.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    function decisionsDigest(
        bytes32 member,
        EvidenceEntry[] calldata entries,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32);

    /// @notice The head of a consignment's chain: its number of entries and the 192 low bits
    /// of its latest entry's link, zero-extended on the left (both zero: no entry).
    /// @param consignment keccak256 of the canonical UCR.
    function head(bytes32 consignment) external view returns (uint64 seq, bytes32 link);

    /// @notice The heads of up to MAX_QUERIES (1,024) consignments, as `head`.
    /// @param consignments keccak256 of the canonical UCRs.
    function heads(bytes32[] calldata consignments)
        external
        view
        returns (uint64[] memory seqs, bytes32[] memory links);

    /// @notice The storage slot of a consignment's head word:
    /// `keccak256(abi.encode(consignment, HEADS_SLOT))`.
    /// @param consignment keccak256 of the canonical UCR.
    function headSlot(bytes32 consignment) external pure returns (bytes32);

    /// @notice The link of an entry, computed as appendEvents and submitDecisions compute it
    /// (see the conventions), for off-chain code to check its hashing against.
    /// @param prevLink The 192 low bits of the previous entry's link; for the first entry, the
    /// 192 low bits of the consignment id.
    /// @param seq The entry's number in its consignment's chain, from 1.
    /// @param entry The entry (its consignment is not hashed).
    /// @param member The member the entry is appended for.
    /// @param submitter The transaction's sender.
    /// @param timestamp The block time.
    function entryLink(
        uint192 prevLink,
        uint64 seq,
        EvidenceEntry calldata entry,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) external pure returns (bytes32);
}
