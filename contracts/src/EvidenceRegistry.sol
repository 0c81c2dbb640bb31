// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium} from "./interfaces/IConsortium.sol";
import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {OracleQuorum} from "./OracleQuorum.sol";
import {Roles} from "./Roles.sol";

/// @title EvidenceRegistry
/// @notice Append-only, hash-linked evidence chains of EPCIS events per consignment (see
/// IEvidenceRegistry): a consignment is opened with its route and parties; trade and party
/// events come from its parties and its two sides' customs keys, customs decisions from a quorum
/// of the origin's or the destination's oracles, one effective decision per declaration and step.
/// @dev A consignment's head is one word of the `_heads` mapping, whose slot the compiler's
/// storage layout gives (exported with the ABI), so that heads can be proven with eth_getProof.
/// Everything else about an entry is in its event.
contract EvidenceRegistry is OracleQuorum, IEvidenceRegistry {
    /// @notice Most entries per `appendEvents` / `submitDecisions` call.
    uint256 public constant MAX_BATCH = 256;
    /// @notice Longest `cid`, in bytes.
    uint256 public constant MAX_CID_LENGTH = 128;
    /// @notice Most parents per entry.
    uint256 public constant MAX_PARENTS = 16;
    /// @notice Most consignments per `heads` call.
    uint256 public constant MAX_QUERIES = 1024;
    /// @notice Most parties named in one `openConsignment`.
    uint256 public constant MAX_PARTIES = 32;
    /// @notice Step codes from this one on are customs decisions; below, trade and party steps.
    uint16 public constant FIRST_DECISION_STEP = 256;
    /// @notice Highest valid event type (Transformation).
    uint8 public constant MAX_EVENT_TYPE = 3;
    /// @notice Side of an entry appended by a party that is neither side's customs.
    uint8 public constant SIDE_PARTY = 0;
    /// @notice Side of the origin member (export declaration).
    uint8 public constant SIDE_EXPORT = 1;
    /// @notice Side of the destination member (import declaration).
    uint8 public constant SIDE_IMPORT = 2;
    /// @notice The role of an opener that does not list itself among the parties.
    bytes32 public constant OPENER_ROLE_NAME = bytes32("opener");

    /// @notice EIP-712 type hash of EvidenceEntry.
    bytes32 public constant EVIDENCE_ENTRY_TYPEHASH = keccak256(
        "EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 declaration,bytes32 documentHash,bytes cid,bytes32[] parents)"
    );
    /// @notice EIP-712 type hash of EvidenceBatch, the message oracles sign.
    bytes32 public constant EVIDENCE_BATCH_TYPEHASH = keccak256(
        "EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 declaration,bytes32 documentHash,bytes cid,bytes32[] parents)"
    );

    uint256 private constant _LINK_MASK = type(uint192).max;

    /// @dev A party's role in one opening of a consignment.
    struct PartyRecord {
        uint32 opening;
        bytes32 role;
    }

    /// @dev What EvidenceAppended says besides the entry.
    struct Appended {
        bytes32 consignment;
        bytes32 member;
        uint64 seq;
        bytes32 link;
        uint8 side;
    }

    mapping(bytes32 consignment => Consignment) private _consignments;
    mapping(bytes32 consignment => mapping(address account => PartyRecord)) private _parties;
    /// @dev keccak256(abi.encode(consignment, member, declaration, step)) => effective link.
    mapping(bytes32 key => bytes32 link) private _decisions;
    /// @dev Per consignment its head word, `(uint256(seq) << 192) | uint192(link)` of its latest
    /// entry; proven off-chain at keccak256(abi.encode(consignment, <this mapping's slot>)).
    mapping(bytes32 consignment => uint256 word) private _heads;

    /// @param consortium_ The consortium whose members' keys append and whose oracles sign.
    constructor(IConsortium consortium_)
        OracleQuorum(consortium_, "sanzhi EvidenceRegistry", "2")
    {}

    // ---------------------------------------------------------------- consignments

    /// @notice What the consortium lists this deployment as.
    function registryKind() public pure override returns (bytes32) {
        return "EvidenceRegistry";
    }

    /// @inheritdoc IEvidenceRegistry
    function openConsignment(
        bytes32 consignment,
        bytes32 origin,
        bytes32 destination,
        Party[] calldata parties
    ) external {
        _requireActiveRegistry();
        (bytes32 member,) = _operator();
        if (consignment == bytes32(0)) revert EvidenceRegistryZeroConsignment(0);
        if (origin == bytes32(0) || destination == bytes32(0) || origin == destination) {
            revert EvidenceRegistryInvalidRoute(origin, destination);
        }
        bytes32 expected = bytes32(0);
        if (_consortium.isMember(origin)) {
            expected = origin;
        } else if (_consortium.isMember(destination)) {
            expected = destination;
        } else {
            revert EvidenceRegistryNoMemberSide(origin, destination);
        }
        if (member != expected) revert EvidenceRegistryWrongOpener(msg.sender, member, expected);
        Consignment storage record = _consignments[consignment];
        if (record.open) revert EvidenceRegistryAlreadyOpened(consignment);
        if (record.openedAt == 0) _refuseOpenedElsewhere(consignment);
        if (parties.length > MAX_PARTIES) {
            revert EvidenceRegistryTooManyParties(parties.length, MAX_PARTIES);
        }
        uint32 opening = record.opening + 1;
        _consignments[consignment] = Consignment({
            origin: origin,
            destination: destination,
            opener: msg.sender,
            openedAt: uint64(block.timestamp),
            opening: opening,
            open: true
        });
        emit ConsignmentOpened(consignment, origin, destination, msg.sender, opening);
        bool listed = false;
        for (uint256 i = 0; i < parties.length; ++i) {
            if (parties[i].account == msg.sender) listed = true;
        }
        if (!listed) _addParty(consignment, opening, msg.sender, OPENER_ROLE_NAME);
        for (uint256 i = 0; i < parties.length; ++i) {
            _addParty(consignment, opening, parties[i].account, parties[i].role);
        }
    }

    /// @inheritdoc IEvidenceRegistry
    function addParty(bytes32 consignment, address party, bytes32 role) external {
        Consignment storage record = _openRecord(consignment);
        _checkManager(consignment, record);
        _addParty(consignment, record.opening, party, role);
    }

    /// @inheritdoc IEvidenceRegistry
    function removeParty(bytes32 consignment, address party) external {
        Consignment storage record = _openRecord(consignment);
        _checkManager(consignment, record);
        if (_parties[consignment][party].opening != record.opening) {
            revert EvidenceRegistryNotAParty(consignment, party);
        }
        delete _parties[consignment][party];
        emit ConsignmentPartyRemoved(consignment, party, msg.sender);
    }

    /// @inheritdoc IEvidenceRegistry
    function voidConsignment(bytes32 consignment, bytes32 reason) external {
        Consignment storage record = _openRecord(consignment);
        (bytes32 member, bool customs) = _operator();
        bytes32 voidSide = _consortium.isMember(record.origin) ? record.origin : record.destination;
        if (!customs || member != voidSide) {
            revert EvidenceRegistryNotConsignmentManager(consignment, msg.sender);
        }
        record.open = false;
        emit ConsignmentVoided(consignment, member, msg.sender, reason);
    }

    // ---------------------------------------------------------------- appending

    /// @inheritdoc IEvidenceRegistry
    function appendEvents(EvidenceEntry[] calldata entries) external {
        (bytes32 member, bool customs) = _operator();
        _checkBatchSize(entries.length);
        for (uint256 i = 0; i < entries.length; ++i) {
            EvidenceEntry calldata e = entries[i];
            bytes32 consignment = _check(e, i, false);
            Consignment storage record = _openRecord(consignment);
            uint8 side = SIDE_PARTY;
            if (customs && member == record.origin) {
                side = SIDE_EXPORT;
            } else if (customs && member == record.destination) {
                side = SIDE_IMPORT;
            } else if (_parties[consignment][msg.sender].opening != record.opening) {
                revert EvidenceRegistryNotAParty(consignment, msg.sender);
            }
            _appendOne(e, consignment, side, member);
        }
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
        for (uint256 i = 0; i < entries.length; ++i) {
            _decide(member, entries[i], i);
        }
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
    function consignmentOf(bytes32 consignment) external view returns (Consignment memory) {
        return _consignments[consignment];
    }

    /// @inheritdoc IEvidenceRegistry
    function partyRole(bytes32 consignment, address account) external view returns (bytes32) {
        Consignment storage record = _consignments[consignment];
        PartyRecord storage party = _parties[consignment][account];
        if (!record.open || party.opening != record.opening) return bytes32(0);
        return party.role;
    }

    /// @inheritdoc IEvidenceRegistry
    function effectiveDecision(
        bytes32 consignment,
        bytes32 member,
        bytes32 declaration,
        uint16 step
    ) external view returns (bytes32) {
        return _decisions[keccak256(abi.encode(consignment, member, declaration, step))];
    }

    /// @inheritdoc IEvidenceRegistry
    function head(bytes32 consignment) external view returns (uint64 seq, bytes32 link) {
        return _split(_heads[consignment]);
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
            (seqs[i], links[i]) = _split(_heads[consignments[i]]);
        }
    }

    /// @inheritdoc IEvidenceRegistry
    function entryLink(
        uint192 prevLink,
        uint64 seq,
        EvidenceEntry calldata entry,
        uint8 side,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) external pure returns (bytes32) {
        return _link(entry, prevLink, seq, side, member, submitter, timestamp);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Append `e` to `consignment`'s chain; return its link.
    function _appendOne(EvidenceEntry calldata e, bytes32 consignment, uint8 side, bytes32 member)
        private
        returns (bytes32 link)
    {
        uint256 word = _heads[consignment];
        // casting to 'uint64' is safe because the word's top 64 bits are the seq
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 seq = uint64(word >> 192) + 1;
        // The first entry links to the consignment itself, so that two consignments whose first
        // entries are alike never share a link (a parent reference names exactly one entry).
        uint256 prevLink = seq == 1 ? uint256(consignment) & _LINK_MASK : word & _LINK_MASK;
        // casting to 'uint192' is safe because prevLink is masked to 192 bits
        // forge-lint: disable-next-line(unsafe-typecast)
        link = _link(e, uint192(prevLink), seq, side, member, msg.sender, uint64(block.timestamp));
        _heads[consignment] = (uint256(seq) << 192) | (uint256(link) & _LINK_MASK);
        _emitAppended(Appended(consignment, member, seq, link, side), e);
    }

    /// @dev Emit EvidenceAppended (its values in one memory struct: thirteen values and their
    /// sources would not fit the stack otherwise).
    function _emitAppended(Appended memory a, EvidenceEntry calldata e) private {
        bytes memory cid = e.cid;
        bytes32[] memory parents = e.parents;
        emit EvidenceAppended(
            a.consignment,
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
            cid,
            parents
        );
    }

    /// @dev Append decision number `index` of `member`, the consignment's origin or destination,
    /// keeping at most one effective decision per (consignment, member, declaration, step).
    function _decide(bytes32 member, EvidenceEntry calldata e, uint256 index) private {
        bytes32 consignment = _check(e, index, true);
        Consignment storage record = _openRecord(consignment);
        uint8 side = SIDE_EXPORT;
        if (member == record.destination) {
            side = SIDE_IMPORT;
        } else if (member != record.origin) {
            revert EvidenceRegistryNotASide(consignment, member);
        }
        if (e.declaration == bytes32(0)) revert EvidenceRegistryNoDeclaration(index);
        bytes32 key = keccak256(abi.encode(consignment, member, e.declaration, e.step));
        bytes32 effective = _decisions[key];
        if (!e.correction) {
            if (effective != bytes32(0)) {
                revert EvidenceRegistryAlreadyDecided(
                    consignment, member, e.declaration, e.step, effective
                );
            }
        } else if (effective == bytes32(0) || e.parents[0] != effective) {
            revert EvidenceRegistryNotEffectiveDecision(
                consignment, e.step, e.parents[0], effective
            );
        }
        bytes32 link = _appendOne(e, consignment, side, member);
        // A correction retracts the effective decision (EPCIS errorDeclaration): the corrective
        // decision, when there is one, follows as a decision of its own.
        _decisions[key] = e.correction ? bytes32(0) : link;
    }

    /// @dev The link of an entry (see the interface's conventions).
    function _link(
        EvidenceEntry calldata e,
        uint192 prevLink,
        uint64 seq,
        uint8 side,
        bytes32 member,
        address submitter,
        uint64 time
    ) private pure returns (bytes32) {
        // Two static halves: their concatenation is abi.encode of all fourteen values.
        bytes memory first = abi.encode(
            prevLink, seq, e.eventHash, e.step, e.eventType, e.correction, e.declaration
        );
        bytes memory second = abi.encode(
            side,
            e.documentHash,
            keccak256(e.cid),
            keccak256(abi.encodePacked(e.parents)),
            member,
            submitter,
            time
        );
        return keccak256(bytes.concat(first, second));
    }

    /// @dev Check entry number `index` (the per-entry rules of the interface's conventions, in
    /// their order) and return its consignment.
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
                    e.declaration,
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

    /// @dev The acting member of a TRADE_ROLE or CUSTOMS_ROLE key, and whether it is a customs
    /// key; never a member's admin.
    function _operator() private view returns (bytes32 member, bool customs) {
        bytes32 governed = _consortium.memberOf(msg.sender);
        if (governed != bytes32(0)) revert EvidenceRegistryAdminNotOperator(msg.sender, governed);
        customs = _consortium.isAccredited(msg.sender, Roles.CUSTOMS, bytes32(0));
        if (!customs && !_consortium.isAccredited(msg.sender, Roles.TRADE, bytes32(0))) {
            revert EvidenceRegistryNotAccredited(msg.sender);
        }
        member = _consortium.accreditingMember(msg.sender);
    }

    /// @dev The opener (still accredited, and still a party: customs may remove it) or a customs
    /// key of either side may manage parties.
    function _checkManager(bytes32 consignment, Consignment storage record) private view {
        (bytes32 member, bool customs) = _operator();
        bool sideCustoms = customs && (member == record.origin || member == record.destination);
        bool opener = msg.sender == record.opener
            && _parties[consignment][msg.sender].opening == record.opening;
        if (!opener && !sideCustoms) {
            revert EvidenceRegistryNotConsignmentManager(consignment, msg.sender);
        }
    }

    function _addParty(bytes32 consignment, uint32 opening, address party, bytes32 role) private {
        if (
            party == address(0) || role == bytes32(0) || _consortium.memberOf(party) != bytes32(0)
                || (!_consortium.isAccredited(party, Roles.TRADE, bytes32(0))
                    && !_consortium.isAccredited(party, Roles.CUSTOMS, bytes32(0)))
        ) {
            revert EvidenceRegistryInvalidParty(party, role);
        }
        PartyRecord storage record = _parties[consignment][party];
        if (record.opening == opening) revert EvidenceRegistryAlreadyAParty(consignment, party);
        record.opening = opening;
        record.role = role;
        emit ConsignmentPartyAdded(consignment, party, role, msg.sender);
    }

    function _openRecord(bytes32 consignment) private view returns (Consignment storage record) {
        record = _consignments[consignment];
        if (!record.open) {
            if (record.openedAt == 0) _refuseOpenedElsewhere(consignment);
            revert EvidenceRegistryNotOpened(consignment);
        }
    }

    /// @dev A consignment stays on the version where it was first opened: another listed
    /// version that ever opened it holds its chain (one id, one chain).
    function _refuseOpenedElsewhere(bytes32 consignment) private view {
        address[] memory others = _otherVersions();
        for (uint256 i = 0; i < others.length; ++i) {
            if (others[i] == address(0)) continue; // this deployment
            if (IEvidenceRegistry(others[i]).consignmentOf(consignment).openedAt != 0) {
                revert EvidenceRegistryOpenedOnOtherVersion(consignment, others[i]);
            }
        }
    }

    function _checkBatchSize(uint256 size) private pure {
        if (size == 0 || size > MAX_BATCH) {
            revert EvidenceRegistryInvalidBatchSize(size, MAX_BATCH);
        }
    }

    function _split(uint256 word) private pure returns (uint64 seq, bytes32 link) {
        // casting to 'uint64' is safe because the word's top 64 bits are the seq
        // forge-lint: disable-next-line(unsafe-typecast)
        seq = uint64(word >> 192);
        link = bytes32(word & _LINK_MASK);
    }
}
