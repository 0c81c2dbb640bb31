// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IOracleQuorum} from "./IOracleQuorum.sol";

/// @title IEvidenceRegistry
/// @notice Evidence chains per consignment: for each consignment (a WCO UCR), an append-only,
/// hash-linked sequence of EPCIS events, recorded only by the consignment's parties and by the
/// customs of its two sides. Only hashes go on chain; the events themselves, and the documents
/// they refer to, stay off chain.
/// @dev Conventions:
/// - `consignment` is keccak256 of the canonical UCR (computed off chain); `eventHash` the
///   32-byte sha-256 digest of the event's GS1 canonical event hash. Neither may be zero.
///   Member ids are bytes32 of their text, left-aligned (`bytes32("CN")`); a country that is
///   not a member is named the same way by its ISO 3166-1 alpha-2 code.
/// - Opening: a consignment is opened once by `openConsignment`, naming its origin (the UCR's
///   country; off-chain code derives it from the UCR, which never goes on chain) and its
///   destination (any other country), and the accounts allowed to record with a role each
///   (roles are shown, they do not limit steps). The opener is an account accredited
///   TRADE_ROLE or CUSTOMS_ROLE (scope zero, never a member's admin key) by the origin member,
///   or, when the origin is not an active member, by the destination member, which must then be
///   one. The opener is a party itself (its role `opener` unless it lists itself).
///   Consignments: at most one opening at a time; `voidConsignment` by a customs key of the
///   void-side member (the origin when it is an active member, else the destination) ends it,
///   and the UCR can be opened again (a new `opening` number; parties of earlier openings no
///   longer count). The chain of entries is never reset: it goes on across openings.
/// - Parties are added or removed one by one (`addParty`, `removeParty`) by the opener or a
///   customs key of either side's member; a party must be accredited TRADE_ROLE or CUSTOMS_ROLE
///   when added, and stops counting as soon as it no longer is.
/// - `step` is a business step code: 1..255 trade and party steps, 256..65535 customs
///   decisions; 0 is invalid. `eventType` is 0 Object, 1 Aggregation, 2 Transaction,
///   3 Transformation. `correction` marks an EPCIS errorDeclaration: the entry corrects
///   `parents[0]`. `declaration` is keccak256 of the declaration id the entry is about (zero:
///   none; required for decisions). `documentHash` is optional (zero). `cid` is optional
///   (empty), at most MAX_CID_LENGTH (128) bytes. `parents` are links of other entries (of any
///   consignment) or certificate leaves, at most MAX_PARENTS (16).
/// - Sides: `side` is 1 (export side, the origin member), 2 (import side, the destination
///   member) or 0 (a party that is neither side's customs). A decision's side is its deciding
///   member's; a trade entry's is that of the customs key that appended it, or 0 for a party.
/// - Trade and party events (steps 1..255) are appended by `appendEvents`, sent by a current
///   party of the consignment's opening, or by a CUSTOMS_ROLE key of its origin or destination
///   member; the sender must be accredited TRADE_ROLE or CUSTOMS_ROLE (scope zero) by an active
///   member, which is the entry's member. A member's admin account (its governance key) is
///   refused even if it also holds such an accreditation (EvidenceRegistryAdminNotOperator).
/// - Customs decisions (steps 256..65535) are appended by `submitDecisions` only, signed by a
///   quorum of the deciding member's oracles (IOracleQuorum); the deciding member must be the
///   origin or the destination of every consignment of the batch. At most one effective
///   decision per (consignment, member, declaration, step): a second one is refused while the
///   first is effective. A correction (EPCIS errorDeclaration of the effective decision: its
///   `parents[0]` is the effective link) retracts it; the key then has no effective decision
///   until the corrective decision that follows (usually in the same batch).
///   EIP-712 domain `{name: "sanzhi EvidenceRegistry", version: "2", chainId,
///   verifyingContract}`, primary type EvidenceBatch, type string (exactly, the two
///   concatenated without separator):
///   `EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)`
///   `EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,`
///   `bool correction,bytes32 declaration,bytes32 documentHash,bytes cid,bytes32[] parents)`
///   (`cid` hashed as keccak256 of its bytes, `parents` as keccak256 of the concatenated
///   elements, `entries` as keccak256 of the concatenated EvidenceEntry struct hashes).
/// - Links: entry number `seq` (1-based) of consignment `c`, appended for `member` on side
///   `side` by `submitter` (msg.sender, also for a quorum submission) at block time
///   `timestamp`, has `link = keccak256(abi.encode(uint192 prevLink, uint64 seq,
///   bytes32 eventHash, uint16 step, uint8 eventType, bool correction, bytes32 declaration,
///   uint8 side, bytes32 documentHash, keccak256(cid), keccak256(abi.encodePacked(parents)),
///   bytes32 member, address submitter, uint64 timestamp))`, where `prevLink` is the 192 low
///   bits of the previous entry's link (for seq 1: the 192 low bits of the consignment id, so
///   that the chains of two consignments never share a link even when their first entries are
///   alike).
/// - Head: per consignment one storage word, `(uint256(seq) << 192) | uint192(link)` of its
///   latest entry (zero: no entry). It lives in a plain mapping, at slot
///   `keccak256(abi.encode(c, slot))` where `slot` is the `_heads` mapping's slot in the
///   compiler's storage layout (exported with the ABI), so that off-chain code can prove a
///   head with eth_getProof.
/// - A batch holds 1..MAX_BATCH (256) entries, applied in order: entries of one consignment
///   chain in their batch order. One invalid entry reverts the whole batch. Entry checks, in
///   this order: consignment, eventHash, step (0), step class (DecisionNeedsQuorum or
///   NotADecision), eventType, cid length, parents count, correction without parents, then
///   the consignment's standing (NotOpened, then NotAParty or NotASide), then for decisions
///   the declaration (NoDeclaration) and the effective decision (AlreadyDecided or
///   NotEffectiveDecision).
interface IEvidenceRegistry is IOracleQuorum {
    /// @notice One EPCIS event to append to its consignment's chain, as submitted and signed.
    struct EvidenceEntry {
        bytes32 consignment;
        bytes32 eventHash;
        uint16 step;
        uint8 eventType;
        bool correction;
        bytes32 declaration;
        bytes32 documentHash;
        bytes cid;
        bytes32[] parents;
    }

    /// @notice An account allowed to record on a consignment, with its role (bytes32 of a
    /// short text, left-aligned: `consignor`, `carrier` ...).
    struct Party {
        address account;
        bytes32 role;
    }

    /// @notice What the registry holds of a consignment's current (or last) opening.
    /// @param origin The origin country (the UCR's), a member or not.
    /// @param destination The destination country, a member or not.
    /// @param opener The account that opened it.
    /// @param openedAt Block time of the opening.
    /// @param opening How many times the consignment was opened (zero: never).
    /// @param open Whether the opening stands (false: never opened, or voided).
    struct Consignment {
        bytes32 origin;
        bytes32 destination;
        address opener;
        uint64 openedAt;
        uint32 opening;
        bool open;
    }

    /// @notice An entry was appended to `consignment`'s chain as number `seq`, for `member`,
    /// on `side` (0 a party, 1 export side, 2 import side). The submitter and time are the
    /// transaction's sender and the block's timestamp.
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
        bytes32 declaration,
        uint8 side,
        bytes32 documentHash,
        bytes cid,
        bytes32[] parents
    );

    /// @notice `consignment` was opened (for the `opening`th time) by `opener`.
    event ConsignmentOpened(
        bytes32 indexed consignment,
        bytes32 indexed origin,
        bytes32 indexed destination,
        address opener,
        uint32 opening
    );

    /// @notice `party` may record on `consignment` with `role`; `by` added it.
    event ConsignmentPartyAdded(
        bytes32 indexed consignment, address indexed party, bytes32 role, address by
    );

    /// @notice `party` may no longer record on `consignment`; `by` removed it.
    event ConsignmentPartyRemoved(bytes32 indexed consignment, address indexed party, address by);

    /// @notice The current opening of `consignment` was voided by `by` (a customs key of
    /// `member`), for `reason`; the UCR can be opened again.
    event ConsignmentVoided(
        bytes32 indexed consignment, bytes32 indexed member, address by, bytes32 reason
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
    /// @notice `consignment` is not open (never opened, or voided).
    error EvidenceRegistryNotOpened(bytes32 consignment);
    /// @notice `consignment` is already open; it can be opened again only once voided.
    error EvidenceRegistryAlreadyOpened(bytes32 consignment);
    /// @notice `consignment` was opened on `registry`, another listed version, which keeps its
    /// chain: appends, decisions and party changes go there, and the id is not opened anew
    /// on a later version.
    error EvidenceRegistryOpenedOnOtherVersion(bytes32 consignment, address registry);
    /// @notice Origin and destination must be two different, non-zero countries.
    error EvidenceRegistryInvalidRoute(bytes32 origin, bytes32 destination);
    /// @notice Neither the origin nor the destination is an active member: no customs to answer.
    error EvidenceRegistryNoMemberSide(bytes32 origin, bytes32 destination);
    /// @notice `caller` acts for `member`, but this consignment is opened by `expected`'s side.
    error EvidenceRegistryWrongOpener(address caller, bytes32 member, bytes32 expected);
    /// @notice `account` is not a party of `consignment` nor a customs key of its sides.
    error EvidenceRegistryNotAParty(bytes32 consignment, address account);
    /// @notice `account` is already a party of `consignment`.
    error EvidenceRegistryAlreadyAParty(bytes32 consignment, address account);
    /// @notice `account` may not add or remove parties of `consignment`, nor void it.
    error EvidenceRegistryNotConsignmentManager(bytes32 consignment, address account);
    /// @notice A party must be a non-zero account accredited TRADE_ROLE or CUSTOMS_ROLE, with a
    /// non-zero role.
    error EvidenceRegistryInvalidParty(address account, bytes32 role);
    /// @notice More parties in one `openConsignment` than `max`.
    error EvidenceRegistryTooManyParties(uint256 count, uint256 max);
    /// @notice `member` is neither the origin nor the destination of `consignment`.
    error EvidenceRegistryNotASide(bytes32 consignment, bytes32 member);
    /// @notice Entry number `index` is a decision without the declaration it decides.
    error EvidenceRegistryNoDeclaration(uint256 index);
    /// @notice `member` already decided `step` on `declaration` of `consignment` (entry
    /// `effective`); only a correction naming that entry retracts it.
    error EvidenceRegistryAlreadyDecided(
        bytes32 consignment, bytes32 member, bytes32 declaration, uint16 step, bytes32 effective
    );
    /// @notice A correction names `named`, which is not the effective decision `effective` (zero:
    /// there is none to correct).
    error EvidenceRegistryNotEffectiveDecision(
        bytes32 consignment, uint16 step, bytes32 named, bytes32 effective
    );

    /// @notice Open `consignment` from `origin` to `destination` with `parties` (the caller is
    /// added as a party with role `opener` unless it lists itself). See the conventions.
    /// @param consignment keccak256 of the canonical UCR.
    /// @param origin The UCR's country.
    /// @param destination The destination country.
    /// @param parties At most MAX_PARTIES accounts with their roles.
    function openConsignment(
        bytes32 consignment,
        bytes32 origin,
        bytes32 destination,
        Party[] calldata parties
    ) external;

    /// @notice Allow `party` to record on `consignment` with `role` (opener or sides' customs).
    /// @param consignment The consignment.
    /// @param party The account.
    /// @param role Its role.
    function addParty(bytes32 consignment, address party, bytes32 role) external;

    /// @notice Stop `party` recording on `consignment` (opener or sides' customs).
    /// @param consignment The consignment.
    /// @param party The account.
    function removeParty(bytes32 consignment, address party) external;

    /// @notice End the current opening of `consignment` (a customs key of the origin member, or
    /// of the destination member when the origin is not an active member).
    /// @param consignment The consignment.
    /// @param reason Why (bytes32 of a short text, or a document hash).
    function voidConsignment(bytes32 consignment, bytes32 reason) external;

    /// @notice Append 1..MAX_BATCH trade or party events (steps 1..255), in order, for the
    /// caller's member. The caller is a party or a sides' customs key (see the conventions).
    /// @param entries The entries; several of one consignment chain in this order.
    function appendEvents(EvidenceEntry[] calldata entries) external;

    /// @notice Append 1..MAX_BATCH customs decisions (steps 256..65535), in order, for
    /// `member`, signed by a quorum of its oracles (see IOracleQuorum). Anyone may submit; the
    /// sender is the submitter recorded in the links.
    /// @param member The deciding member: origin or destination of each entry's consignment.
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

    /// @notice The consignment's current (or last) opening.
    /// @param consignment keccak256 of the canonical UCR.
    function consignmentOf(bytes32 consignment) external view returns (Consignment memory);

    /// @notice The role of `account` in the current opening of `consignment` (zero: none). An
    /// account with a role records only while it is accredited.
    /// @param consignment The consignment.
    /// @param account The account.
    function partyRole(bytes32 consignment, address account) external view returns (bytes32);

    /// @notice The link of the effective decision of `member` on `step` of `declaration` of
    /// `consignment` (zero: none, or retracted by a correction).
    /// @param consignment The consignment.
    /// @param member The deciding member.
    /// @param declaration keccak256 of the declaration id.
    /// @param step The decision step.
    function effectiveDecision(
        bytes32 consignment,
        bytes32 member,
        bytes32 declaration,
        uint16 step
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

    /// @notice The link of an entry, computed as appendEvents and submitDecisions compute it
    /// (see the conventions), for off-chain code to check its hashing against.
    /// @param prevLink The 192 low bits of the previous entry's link; for the first entry, the
    /// 192 low bits of the consignment id.
    /// @param seq The entry's number in its consignment's chain, from 1.
    /// @param entry The entry (its consignment is not hashed).
    /// @param side The entry's side (0 party, 1 export, 2 import).
    /// @param member The member the entry is appended for.
    /// @param submitter The transaction's sender.
    /// @param timestamp The block time.
    function entryLink(
        uint192 prevLink,
        uint64 seq,
        EvidenceEntry calldata entry,
        uint8 side,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) external pure returns (bytes32);
}
