// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {CertificateRegistry} from "../src/CertificateRegistry.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

/// @notice A registry on the CN+SG consortium, its issuers, and one issued CN batch of
/// certificates of origin (`root`, five certificates, quantities below, expiring 2027-01-01).
abstract contract CertificateRegistryBaseTest is BaseTest {
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    uint64 internal constant EXPIRY = 1_798_761_600; // 2027-01-01T00:00:00Z
    uint16 internal constant FRAUD = 1;
    uint16 internal constant CLERICAL_ERROR = 2;

    /// @dev A second CN issuer for certificates of origin (e.g. a chamber of commerce).
    address internal cnChamber = _actor("cn-chamber");
    /// @dev A CN issuer accredited for phytosanitary certificates only.
    address internal cnPhytoIssuer = _actor("cn-phyto-issuer");
    /// @dev A CN issuer whose accreditation was withdrawn after it issued `formerRoot`.
    address internal cnFormerIssuer = _actor("cn-former-issuer");

    CertificateRegistry internal registry;

    bytes32[] internal docs;
    uint256[] internal quantities;
    bytes32[] internal leaves;
    bytes32 internal root;
    bytes32 internal formerRoot = keccak256("former-batch");
    /// @dev When `root` and `formerRoot` were issued (an hour before `cnFormerIssuer` lost its
    /// accreditation).
    uint256 internal issuedAt;

    function setUp() public virtual override {
        super.setUp();
        registry = new CertificateRegistry(consortium);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnChamber, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnPhytoIssuer, ISSUER_ROLE, PHYTOSANITARY);
        _accredit(cnCustoms, cnFormerIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(sgCustoms, sgIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, bytes32(0));

        uint256[5] memory q = [uint256(100_000), 0, 5000, 1, 250_000];
        for (uint256 i = 0; i < q.length; ++i) {
            docs.push(keccak256(abi.encode("certificate-of-origin", i)));
            quantities.push(q[i]);
            leaves.push(Merkle.leaf(docs[i], q[i]));
        }
        root = Merkle.root(leaves);
        vm.prank(cnIssuer);
        registry.issue(root, CERTIFICATE_OF_ORIGIN, uint32(q.length), EXPIRY);

        vm.prank(cnFormerIssuer);
        registry.issue(formerRoot, CERTIFICATE_OF_ORIGIN, 1, 0);
        issuedAt = block.timestamp;
        vm.warp(block.timestamp + 1 hours);
        vm.prank(cnCustoms);
        consortium.withdraw(cnFormerIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
    }

    function _proof(uint256 index) internal view returns (bytes32[] memory) {
        return Merkle.proof(leaves, index);
    }

    function _state(uint256 index)
        internal
        view
        returns (ICertificateRegistry.CertificateView memory)
    {
        return registry.certificateState(root, CERTIFICATE_OF_ORIGIN, leaves[index]);
    }

    function _status(uint256 index) internal view returns (ICertificateRegistry.Status) {
        return _state(index).status;
    }

    /// @dev Utilize certificate `index` of `root` as `customs`; returns what remains.
    function _utilize(address customs, uint256 index, uint256 amount) internal returns (uint256) {
        vm.prank(customs);
        return registry.utilize(
            root,
            CERTIFICATE_OF_ORIGIN,
            docs[index],
            quantities[index],
            _proof(index),
            keccak256(abi.encode("declaration", amount)),
            amount
        );
    }

    function _revoke(address issuer, uint256 index, uint16 reason) internal {
        vm.prank(issuer);
        registry.revoke(root, CERTIFICATE_OF_ORIGIN, leaves[index], reason);
    }

    function _suspend(address issuer, uint256 index, uint16 reason) internal {
        vm.prank(issuer);
        registry.suspend(root, CERTIFICATE_OF_ORIGIN, leaves[index], reason);
    }

    /// @dev Issue a one-certificate batch of `certType` as `issuer`; returns its root (= leaf).
    function _issueSingle(address issuer, bytes32 certType, string memory seed)
        internal
        returns (bytes32 single)
    {
        single = Merkle.leaf(keccak256(bytes(seed)), 10_000);
        vm.prank(issuer);
        registry.issue(single, certType, 1, 0);
    }

    /// @dev Remove member `memberId` by governance (threshold lowered to 1 first).
    function _removeMember(bytes32 memberId) internal {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeThreshold(1);
        vm.prank(sgCustoms);
        consortium.approve(id);
        vm.prank(memberId == CN ? sgCustoms : cnCustoms);
        consortium.proposeRemoveMember(memberId);
    }

    function _err(bytes4 selector, address caller, bytes32 certType)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(selector, caller, certType);
    }
}
