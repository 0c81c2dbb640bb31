// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {CertificateRegistry} from "../src/CertificateRegistry.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

/// @notice A registry on the CN+SG consortium, its issuers and customs keys, and one issued CN
/// batch of certificates of origin for import into SG (`root`, five certificates numbered
/// CO-2026-000000..4, quantities below, expiring 2027-01-01).
abstract contract CertificateRegistryBaseTest is BaseTest {
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    uint64 internal constant EXPIRY = 1_798_761_600; // 2027-01-01T00:00:00Z
    uint16 internal constant FRAUD = 1;
    uint16 internal constant CLERICAL_ERROR = 2;

    /// @dev A second CN issuer for certificates of origin (e.g. a chamber of commerce).
    address internal cnChamber = _actor("cn-chamber");
    /// @dev A CN issuer accredited for phytosanitary certificates only.
    address internal cnPhytoIssuer = _actor("cn-phyto-issuer");
    /// @dev A CN issuer whose accreditation was withdrawn after it issued `formerRoot`.
    address internal cnFormerIssuer = _actor("cn-former-issuer");
    /// @dev Operational keys (CUSTOMS_ROLE) of SG, the importing administration, and of CN.
    address internal sgCustomsKey = _actor("sg-customs-key");
    address internal sgCustomsKey2 = _actor("sg-customs-key-2");
    address internal cnCustomsKey = _actor("cn-customs-key");

    CertificateRegistry internal registry;

    bytes32[] internal docs;
    uint256[] internal quantities;
    bytes32[] internal numbers;
    bytes32[] internal leaves;
    bytes32 internal root;
    bytes32 internal formerRoot = keccak256("former-batch");
    /// @dev When `root` and `formerRoot` were issued (an hour before `cnFormerIssuer` lost its
    /// accreditation).
    uint256 internal issuedAt;
    /// @dev Declarations made by `_utilize`, so that each draw has its own reference.
    uint256 internal declarationCount;

    function setUp() public virtual override {
        super.setUp();
        registry = new CertificateRegistry(consortium);
        _list(address(registry));
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnChamber, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnPhytoIssuer, ISSUER_ROLE, PHYTOSANITARY);
        _accredit(cnCustoms, cnFormerIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(sgCustoms, sgIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, bytes32(0));
        _accredit(sgCustoms, sgCustomsKey, CUSTOMS_ROLE, bytes32(0));
        _accredit(sgCustoms, sgCustomsKey2, CUSTOMS_ROLE, bytes32(0));
        _accredit(cnCustoms, cnCustomsKey, CUSTOMS_ROLE, bytes32(0));

        uint256[5] memory q = [uint256(100_000), 0, 5000, 1, 250_000];
        for (uint256 i = 0; i < q.length; ++i) {
            docs.push(keccak256(abi.encode("certificate-of-origin", i)));
            quantities.push(q[i]);
            numbers.push(keccak256(bytes(string.concat("CO-2026-00000", _digit(i)))));
            leaves.push(Merkle.leaf(docs[i], q[i], numbers[i], SG));
        }
        root = Merkle.root(leaves);
        vm.prank(cnIssuer);
        registry.issue(root, CERTIFICATE_OF_ORIGIN, SG, uint32(q.length), EXPIRY);

        vm.prank(cnFormerIssuer);
        registry.issue(formerRoot, CERTIFICATE_OF_ORIGIN, SG, 1, 0);
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
        return registry.certificateState(root, CERTIFICATE_OF_ORIGIN, leaves[index], numbers[index]);
    }

    /// @dev Number key of certificate `index`, computed here rather than by the registry: the
    /// issuing member is CN.
    function _numberKey(uint256 index) internal view returns (bytes32) {
        return keccak256(abi.encode(CN, CERTIFICATE_OF_ORIGIN, numbers[index]));
    }

    function _status(uint256 index) internal view returns (ICertificateRegistry.Status) {
        return _state(index).status;
    }

    /// @dev Utilize certificate `index` of `root` as `customs` for a new declaration; returns
    /// what remains.
    function _utilize(address customs, uint256 index, uint256 amount) internal returns (uint256) {
        return _utilizeFor(customs, index, amount, _nextDeclaration());
    }

    /// @dev Utilize certificate `index` of `root` as `customs` for `declarationRef`.
    function _utilizeFor(address customs, uint256 index, uint256 amount, bytes32 declarationRef)
        internal
        returns (uint256)
    {
        bytes32[] memory proof = _proof(index);
        vm.prank(customs);
        return registry.utilize(
            root,
            CERTIFICATE_OF_ORIGIN,
            docs[index],
            quantities[index],
            numbers[index],
            SG,
            proof,
            declarationRef,
            amount
        );
    }

    /// @dev The reference the next `_utilize` will use.
    function _peekDeclaration() internal view returns (bytes32) {
        return keccak256(abi.encode("declaration", declarationCount + 1));
    }

    function _nextDeclaration() internal returns (bytes32) {
        bytes32 ref = _peekDeclaration();
        ++declarationCount;
        return ref;
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
    /// Destined to SG, or to CN when the issuer is SG's.
    function _issueSingle(address issuer, bytes32 certType, string memory seed)
        internal
        returns (bytes32 single)
    {
        bytes32 destination = issuer == sgIssuer ? CN : SG;
        single = Merkle.leaf(keccak256(bytes(seed)), 10_000, keccak256(bytes(seed)), destination);
        vm.prank(issuer);
        registry.issue(single, certType, destination, 1, 0);
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

    function _digit(uint256 i) internal pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + i))));
    }

    function _err(bytes4 selector, address caller, bytes32 certType)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(selector, caller, certType);
    }
}
