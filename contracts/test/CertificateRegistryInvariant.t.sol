// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {Test} from "./utils/Test.sol";
import {Merkle} from "./utils/Merkle.sol";
import {Consortium} from "../src/Consortium.sol";
import {CertificateRegistry} from "../src/CertificateRegistry.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

/// @notice Drives one batch of eight certificates through random lifecycle changes and
/// utilizations, by issuers, administrations, customs keys and outsiders, and records what
/// succeeded. Certificates 1 and 4 share a number, as do 2 and 5 (nonzero quantities) and 0 and
/// 3 (both single use); declarations come from a small set so that some repeat.
contract CertificateRegistryHandler is Test {
    uint256 internal constant SIZE = 8;
    /// @dev Distinct certificate numbers among the SIZE certificates.
    uint256 internal constant NUMBERS = 5;
    bytes32 internal constant CO = keccak256("certificate-of-origin");
    bytes32 internal constant SG = bytes32("SG");

    CertificateRegistry public immutable registry;
    bytes32 public root;
    bytes32 public successorRoot;
    address[] internal _callers;

    bytes32[SIZE] public docs;
    uint256[SIZE] public quantities;
    /// @dev Index into `numberHashes` of each certificate's number.
    uint256[SIZE] public numberOf;
    bytes32[NUMBERS] public numberHashes;
    bytes32[] internal _leaves;

    /// @dev Ghosts: what the contract accepted, per certificate and per number.
    bool[SIZE] public everRevoked;
    bool[SIZE] public everSuperseded;
    uint256[NUMBERS] public drawn;
    uint256[NUMBERS] public uses;
    mapping(uint256 number => mapping(bytes32 declarationRef => uint256)) public declarationUses;
    uint256 public accepted;

    constructor(CertificateRegistry registry_, address[] memory callers, address issuer) {
        registry = registry_;
        _callers = callers;
        for (uint256 n = 0; n < NUMBERS; ++n) {
            numberHashes[n] = keccak256(abi.encode("number", n));
        }
        for (uint256 i = 0; i < SIZE; ++i) {
            docs[i] = keccak256(abi.encode("invariant", i));
            quantities[i] = i % 3 == 0 ? 0 : i * 1000;
            // 0,3 -> 0; 1,4 -> 1; 2,5 -> 2; 6 -> 3; 7 -> 4.
            numberOf[i] = i < 6 ? i % 3 : i - 3;
            _leaves.push(Merkle.leaf(docs[i], quantities[i], numberHashes[numberOf[i]], SG));
        }
        root = Merkle.root(_leaves);
        successorRoot = keccak256("successor");
        vm.prank(issuer);
        registry.issue(root, CO, SG, uint32(SIZE), 0);
        vm.prank(issuer);
        registry.issue(successorRoot, CO, SG, 1, 0);
    }

    function leafAt(uint256 i) external view returns (bytes32) {
        return _leaves[i];
    }

    function revoke(uint256 caller, uint256 i, uint16 reason) external {
        i = i % SIZE;
        vm.prank(_caller(caller));
        try registry.revoke(root, CO, _leaves[i], reason) {
            everRevoked[i] = true;
            ++accepted;
        } catch {}
    }

    function suspend(uint256 caller, uint256 i, uint16 reason) external {
        i = i % SIZE;
        vm.prank(_caller(caller));
        try registry.suspend(root, CO, _leaves[i], reason) {
            ++accepted;
        } catch {}
    }

    function reinstate(uint256 caller, uint256 i) external {
        i = i % SIZE;
        vm.prank(_caller(caller));
        try registry.reinstate(root, CO, _leaves[i]) {
            ++accepted;
        } catch {}
    }

    function supersede(uint256 caller, uint256 i) external {
        i = i % SIZE;
        vm.prank(_caller(caller));
        try registry.supersede(
            root, CO, _leaves[i], successorRoot, successorRoot, new bytes32[](0)
        ) {
            everSuperseded[i] = true;
            ++accepted;
        } catch {}
    }

    function utilize(uint256 caller, uint256 i, uint256 amount, uint256 declaration) external {
        i = i % SIZE;
        amount = bound(amount, 0, quantities[i] + 2000);
        // Zero (refused) and 1..15: declarations repeat.
        bytes32 declarationRef = bytes32(declaration % 16);
        bytes32[] memory proof = Merkle.proof(_leaves, i);
        uint256 n = numberOf[i];
        vm.prank(_caller(caller));
        try registry.utilize(
            root, CO, docs[i], quantities[i], numberHashes[n], SG, proof, declarationRef, amount
        ) {
            drawn[n] += amount;
            ++uses[n];
            ++declarationUses[n][declarationRef];
            ++accepted;
        } catch {}
    }

    /// @dev The largest quantity among the certificates of number `n`.
    function maxQuantity(uint256 n) external view returns (uint256 max) {
        for (uint256 i = 0; i < SIZE; ++i) {
            if (numberOf[i] == n && quantities[i] > max) max = quantities[i];
        }
    }

    function warp(uint256 by) external {
        vm.warp(block.timestamp + bound(by, 1, 30 days));
    }

    function _caller(uint256 seed) internal view returns (address) {
        return _callers[seed % _callers.length];
    }
}

contract CertificateRegistryInvariantTest is BaseTest {
    CertificateRegistry internal registry;
    CertificateRegistryHandler internal handler;

    function setUp() public override {
        super.setUp();
        registry = new CertificateRegistry(consortium);
        _list(address(registry));
        bytes32 issuerRole = keccak256("ISSUER_ROLE");
        _accredit(cnCustoms, cnIssuer, issuerRole, CERTIFICATE_OF_ORIGIN);
        _accredit(sgCustoms, sgIssuer, issuerRole, CERTIFICATE_OF_ORIGIN);
        bytes32 customsRole = keccak256("CUSTOMS_ROLE");
        address sgCustomsKey = _actor("sg-customs-key");
        address cnCustomsKey = _actor("cn-customs-key");
        _accredit(sgCustoms, sgCustomsKey, customsRole, bytes32(0));
        _accredit(cnCustoms, cnCustomsKey, customsRole, bytes32(0));
        address[] memory callers = new address[](8);
        callers[0] = cnIssuer;
        callers[1] = cnIssuer;
        callers[2] = sgCustomsKey;
        callers[3] = sgCustomsKey;
        callers[4] = cnCustoms;
        callers[5] = sgCustoms;
        callers[6] = cnCustomsKey;
        callers[7] = stranger;
        handler = new CertificateRegistryHandler(registry, callers, cnIssuer);
    }

    /// @dev What forge-std's StdInvariant.targetContract would register: only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_RevokedNeverBecomesValidAgain() public view {
        for (uint256 i = 0; i < 8; ++i) {
            if (handler.everRevoked(i)) {
                assertTrue(_state(i).status == ICertificateRegistry.Status.Revoked, "stays revoked");
            }
        }
    }

    function invariant_SupersededStaysSuperseded() public view {
        for (uint256 i = 0; i < 8; ++i) {
            if (handler.everSuperseded(i)) {
                ICertificateRegistry.CertificateView memory v = _state(i);
                assertTrue(v.status == ICertificateRegistry.Status.Superseded, "stays superseded");
                assertEq(v.successorRoot, handler.successorRoot(), "successor kept");
            }
        }
    }

    /// @dev Per number: the drawn total is the sum of accepted draws and stays within the
    /// largest quantity of the number's leaves; a single-use number is used at most once.
    function invariant_UtilizedPerNumberNeverExceedsQuantity() public view {
        for (uint256 n = 0; n < 5; ++n) {
            bytes32 key =
                registry.numberKey(handler.root(), CERTIFICATE_OF_ORIGIN, handler.numberHashes(n));
            uint256 utilized = registry.utilized(key);
            assertEq(utilized, handler.drawn(n), "utilized is the sum of accepted draws");
            uint256 max = handler.maxQuantity(n);
            if (max == 0) {
                assertLe(handler.uses(n), 1, "single-use number used at most once");
            } else {
                assertLe(utilized, max, "within quantity");
            }
        }
        for (uint256 i = 0; i < 8; ++i) {
            assertEq(_state(i).utilized, handler.drawn(handler.numberOf(i)), "view per leaf");
        }
    }

    function invariant_DeclarationDrawsOncePerNumber() public view {
        for (uint256 n = 0; n < 5; ++n) {
            assertEq(handler.declarationUses(n, bytes32(0)), 0, "zero reference refused");
            for (uint256 d = 1; d < 16; ++d) {
                assertLe(handler.declarationUses(n, bytes32(d)), 1, "once");
            }
        }
    }

    function invariant_ReasonMatchesStatus() public view {
        for (uint256 i = 0; i < 8; ++i) {
            ICertificateRegistry.CertificateView memory v = _state(i);
            if (v.status == ICertificateRegistry.Status.Revoked) {
                assertTrue(v.reason != 0, "revoked with a reason");
            } else if (v.status == ICertificateRegistry.Status.Suspended) {
                assertTrue(v.reason != 0, "suspended with a reason");
            } else {
                assertEq(v.reason, 0, "valid or superseded: no reason");
            }
        }
    }

    function _state(uint256 i) internal view returns (ICertificateRegistry.CertificateView memory) {
        return registry.certificateState(
            handler.root(),
            CERTIFICATE_OF_ORIGIN,
            handler.leafAt(i),
            handler.numberHashes(handler.numberOf(i))
        );
    }
}
