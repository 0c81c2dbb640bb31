// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {Vm} from "./utils/Vm.sol";
import {AeoRegistry} from "../src/AeoRegistry.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";

/// @notice Drives AeoRegistry through random certification and MRA actions by CN's and SG's
/// customs keys (and, always refused, a stranger and the members' admin accounts), keeping a model of each certification's status and samples of past answers.
contract AeoRegistryHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant MAX_SAMPLES = 256;

    struct Sample {
        bytes32 operator;
        bytes32 certifying;
        bytes32 recognising;
        uint64 at;
        IAeoRegistry.Reason reason;
    }

    AeoRegistry public registry;
    bytes32[2] public members;
    address[2] public keys;
    address[2] public admins;
    address public stranger;
    bytes32[4] public operators;

    mapping(bytes32 member => mapping(bytes32 operator => IAeoRegistry.Status)) public model;
    Sample[] internal _samples;
    bool public strangerSucceeded;
    bool public adminSucceeded;
    bool public staleTermsAccepted;

    constructor(
        AeoRegistry registry_,
        bytes32[2] memory members_,
        address[2] memory keys_,
        address[2] memory admins_,
        address stranger_
    ) {
        registry = registry_;
        members = members_;
        keys = keys_;
        admins = admins_;
        stranger = stranger_;
        for (uint256 i = 0; i < operators.length; ++i) {
            operators[i] = keccak256(abi.encode("invariant-op", i));
        }
    }

    function certify(uint256 m, uint256 o, uint8 tier, uint32 validFor) external {
        (bytes32 member, bytes32 op) = _pick(m, o);
        uint64 until = validFor % 3 == 0 ? 0 : uint64(block.timestamp) + 1 + validFor;
        vm.prank(keys[m % 2]);
        try registry.certify(op, uint8(1 + (tier % 3)), 0, until, keccak256("e"), 0) {
            if (model[member][op] != IAeoRegistry.Status.Suspended) {
                model[member][op] = IAeoRegistry.Status.Active;
            }
        } catch {}
    }

    function suspend(uint256 m, uint256 o, uint16 reason) external {
        (bytes32 member, bytes32 op) = _pick(m, o);
        vm.prank(keys[m % 2]);
        try registry.suspend(op, reason, 0) {
            model[member][op] = IAeoRegistry.Status.Suspended;
        } catch {}
    }

    function reinstate(uint256 m, uint256 o) external {
        (bytes32 member, bytes32 op) = _pick(m, o);
        vm.prank(keys[m % 2]);
        try registry.reinstate(op, 0, 0) {
            model[member][op] = IAeoRegistry.Status.Active;
        } catch {}
    }

    function revoke(uint256 m, uint256 o, uint16 reason) external {
        (bytes32 member, bytes32 op) = _pick(m, o);
        vm.prank(keys[m % 2]);
        try registry.revoke(op, reason, 0) {
            model[member][op] = IAeoRegistry.Status.Revoked;
        } catch {}
    }

    function strangerCertifies(uint256 o) external {
        vm.prank(stranger);
        try registry.certify(operators[o % operators.length], 1, 0, 0, bytes32(0), 0) {
            strangerSucceeded = true;
        } catch {}
    }

    /// @dev A member's admin account tries a certification change and an MRA action.
    function adminOperates(uint256 m, uint256 o, uint16 reason) external {
        bytes32 op = operators[o % operators.length];
        vm.startPrank(admins[m % 2]);
        try registry.certify(op, 1, 0, 0, bytes32(0), 0) {
            adminSucceeded = true;
        } catch {}
        try registry.revoke(op, reason, 0) {
            adminSucceeded = true;
        } catch {}
        try registry.terminateMra(members[(m + 1) % 2]) {
            adminSucceeded = true;
        } catch {}
        vm.stopPrank();
    }

    function proposeMra(uint256 m, uint16 mine, uint16 theirs, uint32 delay) external {
        vm.prank(keys[m % 2]);
        try registry.proposeMra(
            members[(m + 1) % 2],
            (mine & 0x0E) | 0x02,
            theirs & 0x0E,
            delay % 2 == 0 ? 0 : uint64(block.timestamp) + delay
        ) {}
            catch {}
    }

    /// @dev Accept the standing terms (read just before), or, on odd `stale`, terms that
    /// differ from them: those must never be accepted.
    function acceptMra(uint256 m, uint256 stale) external {
        IAeoRegistry.MraProposal memory p = registry.mraProposal(members[0], members[1]);
        uint16 proposerTiers = p.tiersRecognisedByProposer ^ uint16(stale % 2 == 1 ? 0x04 : 0);
        vm.prank(keys[m % 2]);
        try registry.acceptMra(
            members[(m + 1) % 2], proposerTiers, p.tiersRecognisedByPartner, p.effectiveFrom
        ) {
            if (stale % 2 == 1) staleTermsAccepted = true;
        } catch {}
    }

    function suspendMra(uint256 m) external {
        vm.prank(keys[m % 2]);
        try registry.suspendMra(members[(m + 1) % 2]) {} catch {}
    }

    function resumeMra(uint256 m) external {
        vm.prank(keys[m % 2]);
        try registry.resumeMra(members[(m + 1) % 2]) {} catch {}
    }

    function terminateMra(uint256 m) external {
        vm.prank(keys[m % 2]);
        try registry.terminateMra(members[(m + 1) % 2]) {} catch {}
    }

    /// @dev Move time forward and record how every question about the last second is answered;
    /// the handler only makes changes effective now or later, so these must never change.
    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + 1 + (seconds_ % 30 days));
        uint64 at = uint64(block.timestamp) - 1;
        for (uint256 o = 0; o < operators.length && _samples.length < MAX_SAMPLES; ++o) {
            for (uint256 c = 0; c < 2; ++c) {
                for (uint256 r = 0; r < 2; ++r) {
                    (, IAeoRegistry.Reason reason) =
                        registry.recognition(operators[o], members[c], members[r], at);
                    _samples.push(Sample(operators[o], members[c], members[r], at, reason));
                }
            }
        }
    }

    function sampleCount() external view returns (uint256) {
        return _samples.length;
    }

    function sample(uint256 i) external view returns (Sample memory) {
        return _samples[i];
    }

    function operatorCount() external view returns (uint256) {
        return operators.length;
    }

    function _pick(uint256 m, uint256 o) internal view returns (bytes32, bytes32) {
        return (members[m % 2], operators[o % operators.length]);
    }
}

contract AeoRegistryInvariant_Test is AeoBaseTest {
    AeoRegistryHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new AeoRegistryHandler(
            registry, [CN, SG], [cnOps, sgOps], [cnCustoms, sgCustoms], stranger
        );
    }

    /// @dev forge-std's StdInvariant is not available: forge reads this list directly.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_StatusMatchesModel() public view {
        for (uint256 o = 0; o < handler.operatorCount(); ++o) {
            bytes32 op = handler.operators(o);
            for (uint256 m = 0; m < 2; ++m) {
                bytes32 member = handler.members(m);
                assertEq(
                    uint256(_status(op, member)),
                    uint256(handler.model(member, op)),
                    "status follows the allowed transitions"
                );
            }
        }
    }

    /// @dev Histories stay ordered by effective time, and the latest entry is the record.
    function invariant_HistoryOrdered() public view {
        for (uint256 o = 0; o < handler.operatorCount(); ++o) {
            bytes32 op = handler.operators(o);
            for (uint256 m = 0; m < 2; ++m) {
                IAeoRegistry.CertificationState[] memory h = _history(op, handler.members(m));
                assertEq(h.length, registry.certification(op, handler.members(m)).changes, "n");
                for (uint256 i = 1; i < h.length; ++i) {
                    assertLe(h[i - 1].effectiveAt, h[i].effectiveAt, "ordered");
                }
            }
        }
        IAeoRegistry.MraState[] memory mh = _mraHistory(CN, SG);
        assertEq(mh.length, registry.mra(CN, SG).changes, "MRA n");
        for (uint256 i = 1; i < mh.length; ++i) {
            assertLe(mh[i - 1].at, mh[i].at, "MRA ordered");
        }
    }

    function invariant_PastAnswersNeverChange() public view {
        for (uint256 i = 0; i < handler.sampleCount(); ++i) {
            AeoRegistryHandler.Sample memory s = handler.sample(i);
            _eqReason(
                _reason(s.operator, s.certifying, s.recognising, s.at), s.reason, "past answer"
            );
        }
    }

    function invariant_RecognitionConsistent() public view {
        for (uint256 o = 0; o < handler.operatorCount(); ++o) {
            bytes32 op = handler.operators(o);
            for (uint256 c = 0; c < 2; ++c) {
                for (uint256 r = 0; r < 2; ++r) {
                    _checkRecognition(op, handler.members(c), handler.members(r));
                }
            }
        }
    }

    function invariant_OnlyStandingTermsAccepted() public view {
        assertFalse(handler.staleTermsAccepted(), "accepted terms other than the proposal's");
    }

    function invariant_MraPerspectivesAgree() public view {
        IAeoRegistry.Mra memory a = registry.mra(CN, SG);
        IAeoRegistry.Mra memory b = registry.mra(SG, CN);
        assertEq(uint256(a.state.status), uint256(b.state.status), "status");
        assertEq(a.state.memberTiers, b.state.partnerTiers, "CN's tiers");
        assertEq(a.state.partnerTiers, b.state.memberTiers, "SG's tiers");
        assertEq(a.suspendedBy, b.suspendedBy, "suspendedBy");
    }

    function invariant_OnlyCustomsKeysChangeRecords() public view {
        assertFalse(handler.strangerSucceeded(), "stranger certified");
        assertFalse(handler.adminSucceeded(), "admin key operated");
    }

    function _checkRecognition(bytes32 op, bytes32 cert, bytes32 recog) internal view {
        (bool ok, IAeoRegistry.Reason reason) = registry.recognition(op, cert, recog, 0);
        assertEq(ok, reason == IAeoRegistry.Reason.Recognized, "bool matches reason");
        assertEq(registry.isRecognized(op, cert, recog, 0), ok, "isRecognized matches");
        IAeoRegistry.CertificationState memory s = registry.certificationAt(op, cert, 0);
        bool valid = s.status == IAeoRegistry.Status.Active && s.validFrom <= block.timestamp
            && (s.validUntil == 0 || block.timestamp < s.validUntil);
        assertEq(registry.isRecognized(op, cert, cert, 0), valid, "own recognition = validity");
        if (ok && cert != recog) {
            IAeoRegistry.MraState memory m = registry.mraAt(recog, cert, 0);
            assertEq(uint256(m.status), uint256(IAeoRegistry.MraStatus.InForce), "MRA in force");
            assertTrue(valid, "certification valid");
            assertTrue(m.memberTiers & (uint16(1) << s.tier) != 0, "tier in recogniser's scope");
        }
    }
}
