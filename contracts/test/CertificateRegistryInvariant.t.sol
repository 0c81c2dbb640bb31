// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {Test} from "./utils/Test.sol";
import {Merkle} from "./utils/Merkle.sol";
import {Consortium} from "../src/Consortium.sol";
import {CertificateRegistry} from "../src/CertificateRegistry.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

/// @notice Drives one batch of eight certificates through random lifecycle changes and
/// utilizations, by issuers, customs and outsiders, and records what succeeded.
contract CertificateRegistryHandler is Test {
    uint256 internal constant SIZE = 8;
    bytes32 internal constant CO = keccak256("certificate-of-origin");

    CertificateRegistry public immutable registry;
    bytes32 public root;
    bytes32 public successorRoot;
    address[] internal _callers;

    bytes32[SIZE] public docs;
    uint256[SIZE] public quantities;
    bytes32[] internal _leaves;

    /// @dev Ghosts: what the contract accepted, per certificate.
    bool[SIZE] public everRevoked;
    bool[SIZE] public everSuperseded;
    uint256[SIZE] public drawn;
    uint256[SIZE] public uses;
    uint256 public accepted;

    constructor(CertificateRegistry registry_, address[] memory callers, address issuer) {
        registry = registry_;
        _callers = callers;
        for (uint256 i = 0; i < SIZE; ++i) {
            docs[i] = keccak256(abi.encode("invariant", i));
            quantities[i] = i % 3 == 0 ? 0 : i * 1000;
            _leaves.push(Merkle.leaf(docs[i], quantities[i]));
        }
        root = Merkle.root(_leaves);
        successorRoot = keccak256("successor");
        vm.prank(issuer);
        registry.issue(root, CO, uint32(SIZE), 0);
        vm.prank(issuer);
        registry.issue(successorRoot, CO, 1, 0);
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
        try registry.supersede(root, CO, _leaves[i], successorRoot, successorRoot) {
            everSuperseded[i] = true;
            ++accepted;
        } catch {}
    }

    function utilize(uint256 caller, uint256 i, uint256 amount) external {
        i = i % SIZE;
        amount = bound(amount, 0, quantities[i] + 2000);
        bytes32[] memory proof = Merkle.proof(_leaves, i);
        vm.prank(_caller(caller));
        try registry.utilize(root, CO, docs[i], quantities[i], proof, bytes32(i), amount) {
            drawn[i] += amount;
            ++uses[i];
            ++accepted;
        } catch {}
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
        bytes32 issuerRole = keccak256("ISSUER_ROLE");
        _accredit(cnCustoms, cnIssuer, issuerRole, CERTIFICATE_OF_ORIGIN);
        _accredit(sgCustoms, sgIssuer, issuerRole, CERTIFICATE_OF_ORIGIN);
        address[] memory callers = new address[](6);
        callers[0] = cnIssuer;
        callers[1] = cnIssuer;
        callers[2] = sgCustoms;
        callers[3] = cnCustoms;
        callers[4] = sgIssuer;
        callers[5] = stranger;
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

    function invariant_UtilizedNeverExceedsQuantity() public view {
        for (uint256 i = 0; i < 8; ++i) {
            uint256 quantity = handler.quantities(i);
            uint256 utilized = _state(i).utilized;
            assertEq(utilized, handler.drawn(i), "utilized is the sum of accepted draws");
            if (quantity == 0) {
                assertLe(handler.uses(i), 1, "single-use certificate used at most once");
            } else {
                assertLe(utilized, quantity, "within quantity");
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
        return registry.certificateState(handler.root(), CERTIFICATE_OF_ORIGIN, handler.leafAt(i));
    }
}
