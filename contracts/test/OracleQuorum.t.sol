// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {AeoRegistry} from "../src/AeoRegistry.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";
import {IOracleQuorum} from "../src/interfaces/IOracleQuorum.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

contract OracleQuorum_setOracleQuorum_Test is AeoBaseTest {
    function test_DefaultsToOne() public view {
        assertEq(registry.oracleQuorum(CN), 1, "default");
        assertEq(registry.oracleQuorum(TH), 1, "default for anyone");
    }

    function test_SetsOwnMemberOnly() public {
        vm.expectEmit(address(registry));
        emit IOracleQuorum.OracleQuorumChanged(CN, 1, 3);
        _quorum(cnCustoms, 3);
        assertEq(registry.oracleQuorum(CN), 3, "CN");
        assertEq(registry.oracleQuorum(SG), 1, "SG unchanged");
    }

    function test_RevertWhen_Zero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumInvalidQuorum.selector, 0, 16)
        );
        _quorum(cnCustoms, 0);
    }

    function test_RevertWhen_AboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumInvalidQuorum.selector, 17, 16)
        );
        _quorum(cnCustoms, 17);
    }

    function test_RevertWhen_CallerNotMemberAdmin() public {
        address[3] memory callers = [cnOracle, stranger, cnIssuer];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IOracleQuorum.OracleQuorumNotMemberAdmin.selector, callers[i]
                )
            );
            _quorum(callers[i], 1);
        }
    }

    function testFuzz_SetsAnyValidQuorum(uint256 k) public {
        k = bound(k, 1, 16);
        _quorum(sgCustoms, k);
        assertEq(registry.oracleQuorum(SG), k, "set");
    }
}

contract OracleQuorum_submitChanges_Test is AeoBaseTest {
    uint256 internal constant NONCE = uint256(keccak256("batch-1"));
    uint64 internal deadline;
    IAeoRegistry.AeoChange[] internal changes;

    function setUp() public override {
        super.setUp();
        deadline = _now() + 1 hours;
        changes.push(_certifyChange(OP_A, 2));
        changes.push(_certifyChange(OP_B, 1));
    }

    function _submit(bytes[] memory sigs) internal {
        registry.submitChanges(CN, changes, NONCE, deadline, sigs);
    }

    function _sigs(string[] memory names) internal view returns (bytes[] memory) {
        return _signAll(names, CN, changes, NONCE, deadline);
    }

    function test_OneOracle_DefaultQuorum() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        bytes32 digest = registry.changesDigest(CN, changes, NONCE, deadline);
        vm.expectEmit(address(registry));
        emit IOracleQuorum.OracleNonceUsed(CN, NONCE, digest, stranger);
        vm.prank(stranger); // anyone may submit
        _submit(sigs);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Active), "A");
        assertEq(registry.certification(OP_A, CN).state.tier, 2, "tier");
        assertEq(uint256(_status(OP_B, CN)), uint256(IAeoRegistry.Status.Active), "B");
        assertTrue(registry.isOracleNonceUsed(CN, NONCE), "nonce used");
        assertFalse(registry.isOracleNonceUsed(SG, NONCE), "per member");
    }

    function test_QuorumOfTwo_AnyOrder() public {
        _quorum(cnCustoms, 2);
        _submit(_sigs(_names("cn-oracle-3", "cn-oracle")));
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Active), "applied");
    }

    function test_MoreThanQuorum_AllChecked() public {
        string[] memory names = new string[](3);
        names[0] = "cn-oracle";
        names[1] = "cn-oracle-2";
        names[2] = "stranger";
        bytes[] memory sigs = _sigs(names);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, stranger, CN)
        );
        _submit(sigs);
    }

    function test_StatusChangesThroughQuorum() public {
        _submit(_sigs(_names("cn-oracle")));
        IAeoRegistry.AeoChange[] memory next =
            _one(_statusChange(IAeoRegistry.ChangeKind.Suspend, OP_A, 7));
        bytes[] memory sigs = _signAll(_names("cn-oracle-2"), CN, next, 2, deadline);
        registry.submitChanges(CN, next, 2, deadline, sigs);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Suspended), "suspended");
    }

    function test_FailingChange_RevertsAll_NonceUnused() public {
        changes.push(_statusChange(IAeoRegistry.ChangeKind.Revoke, keccak256("unknown"), 1));
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                keccak256("unknown"),
                IAeoRegistry.Status.None,
                IAeoRegistry.ChangeKind.Revoke
            )
        );
        _submit(sigs);
        assertFalse(registry.isOracleNonceUsed(CN, NONCE), "nonce still free");
    }

    function test_RevertWhen_Replayed() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        _submit(sigs);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNonceUsed.selector, CN, NONCE)
        );
        _submit(sigs);
    }

    function test_RevertWhen_NonceReusedForOtherChanges() public {
        _submit(_sigs(_names("cn-oracle")));
        changes.pop();
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNonceUsed.selector, CN, NONCE)
        );
        _submit(sigs);
    }

    function test_DeadlineInclusive() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.warp(deadline);
        _submit(sigs);
        assertTrue(registry.isOracleNonceUsed(CN, NONCE), "accepted at deadline");
    }

    function test_RevertWhen_Expired() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleQuorum.OracleQuorumExpired.selector, deadline, deadline + 1
            )
        );
        _submit(sigs);
    }

    function test_RevertWhen_WrongChain() public {
        uint256 chain = block.chainid;
        vm.chainId(chain + 1);
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.chainId(chain);
        address recovered =
            ECDSA.recover(registry.changesDigest(CN, changes, NONCE, deadline), sigs[0]);
        assertTrue(recovered != cnOracle, "different signer");
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, recovered, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_WrongContract() public {
        AeoRegistry other = new AeoRegistry(consortium);
        _list(address(other)); // the active AeoRegistry now: `registry` takes no certification
        bytes32 digest = other.changesDigest(CN, changes, NONCE, deadline);
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _sign("cn-oracle", digest);
        other.submitChanges(CN, changes, NONCE, deadline, sigs); // valid there
        address recovered =
            ECDSA.recover(registry.changesDigest(CN, changes, NONCE, deadline), sigs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, recovered, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_TamperedChange() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        changes[0].tier = 3;
        address recovered =
            ECDSA.recover(registry.changesDigest(CN, changes, NONCE, deadline), sigs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, recovered, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_DuplicateSigner() public {
        _quorum(cnCustoms, 2);
        bytes[] memory sigs = _sigs(_names("cn-oracle", "cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumDuplicateSigner.selector, cnOracle)
        );
        _submit(sigs);
    }

    function test_RevertWhen_NonOracleSigner() public {
        bytes[] memory sigs = _sigs(_names("stranger"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, stranger, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_IssuerOfSameMemberSigns() public {
        bytes[] memory sigs = _sigs(_names("cn-issuer"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, cnIssuer, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_MemberAdminSigns() public {
        bytes[] memory sigs = _sigs(_names("cn-customs"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, cnCustoms, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_OracleOfOtherMember() public {
        bytes[] memory sigs = _sigs(_names("sg-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleQuorum.OracleQuorumOracleOfOtherMember.selector, sgOracle, SG, CN
            )
        );
        _submit(sigs);
    }

    function test_RevertWhen_OracleWithdrawn() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnOracle, ORACLE_ROLE, bytes32(0));
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, cnOracle, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_TooFewSignatures() public {
        _quorum(cnCustoms, 3);
        bytes[] memory sigs = _sigs(_names("cn-oracle", "cn-oracle-2"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumTooFewSignatures.selector, 2, 3)
        );
        _submit(sigs);
    }

    function test_RevertWhen_NoSignatures() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumTooFewSignatures.selector, 0, 1)
        );
        _submit(new bytes[](0));
    }

    function test_RevertWhen_TooManySignatures() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumTooManySignatures.selector, 17, 16)
        );
        _submit(new bytes[](17));
    }

    function test_RevertWhen_SignatureMalformed() public {
        _quorum(cnCustoms, 2);
        bytes[] memory sigs = _sigs(_names("cn-oracle", "cn-oracle-2"));
        sigs[1] = abi.encodePacked(bytes32(uint256(1)), bytes32(uint256(2))); // 64 bytes
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumInvalidSignature.selector, 1)
        );
        _submit(sigs);
    }

    function test_RevertWhen_SignatureHighS() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        (bytes32 r, bytes32 s, uint8 v) = _split(sigs[0]);
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        sigs[0] = abi.encodePacked(r, bytes32(n - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumInvalidSignature.selector, 0)
        );
        _submit(sigs);
    }

    function test_RevertWhen_SignedForOtherMember() public {
        // CN's oracle signs a batch for SG's operators: it is not SG's oracle.
        bytes[] memory sigs = _signAll(_names("cn-oracle"), SG, changes, NONCE, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleQuorum.OracleQuorumOracleOfOtherMember.selector, cnOracle, CN, SG
            )
        );
        registry.submitChanges(SG, changes, NONCE, deadline, sigs);
    }

    function test_RevertWhen_BatchEmpty() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidBatchSize.selector, 0, 100)
        );
        registry.submitChanges(CN, new IAeoRegistry.AeoChange[](0), NONCE, deadline, new bytes[](1));
    }

    function test_RevertWhen_BatchTooLarge() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidBatchSize.selector, 101, 100)
        );
        registry.submitChanges(CN, _certifyBatch(0, 101), NONCE, deadline, new bytes[](1));
    }

    function test_Gas_QuorumPath() public {
        IAeoRegistry.AeoChange[] memory one = _certifyBatch(1000, 1);
        bytes[] memory sigs = _signAll(_names("cn-oracle"), CN, one, 1, deadline);
        uint256 before = gasleft();
        registry.submitChanges(CN, one, 1, deadline, sigs);
        uint256 used = before - gasleft();
        emit log_named_uint("submitChanges 1 certification, quorum 1, gas", used);
        assertLe(used, 150_000, "single");

        _quorum(cnCustoms, 3);
        string[] memory names = new string[](3);
        names[0] = "cn-oracle";
        names[1] = "cn-oracle-2";
        names[2] = "cn-oracle-3";
        IAeoRegistry.AeoChange[] memory batch = _certifyBatch(0, 100);
        sigs = _signAll(names, CN, batch, 2, deadline);
        before = gasleft();
        registry.submitChanges(CN, batch, 2, deadline, sigs);
        used = before - gasleft();
        emit log_named_uint("submitChanges 100 certifications, quorum 3, gas", used);
        emit log_named_uint("  per certification", used / 100);
        assertLe(used, 10_000_000, "worst-case batch fits a block");
    }

    function _split(bytes memory sig) internal pure returns (bytes32 r, bytes32 s, uint8 v) {
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
    }
}

contract AeoRegistry_changesDigest_Test is AeoBaseTest {
    /// @dev The digest rebuilt from the documented type strings: Python must match this.
    function test_MatchesDocumentedTypedData() public view {
        IAeoRegistry.AeoChange[] memory changes = new IAeoRegistry.AeoChange[](2);
        changes[0] = IAeoRegistry.AeoChange(
            IAeoRegistry.ChangeKind.Certify, OP_A, 2, 100, 200, EVIDENCE, 0, 50
        );
        changes[1] = _statusChange(IAeoRegistry.ChangeKind.Suspend, OP_B, 9);
        bytes32 changeType = keccak256(
            "AeoChange(uint8 kind,bytes32 operator,uint8 tier,uint64 validFrom,uint64 validUntil,bytes32 evidenceHash,uint16 reason,uint64 effectiveAt)"
        );
        bytes32 h0 = keccak256(
            abi.encode(
                changeType,
                uint8(0),
                OP_A,
                uint8(2),
                uint64(100),
                uint64(200),
                EVIDENCE,
                uint16(0),
                uint64(50)
            )
        );
        bytes32 h1 = keccak256(
            abi.encode(
                changeType,
                uint8(1),
                OP_B,
                uint8(0),
                uint64(0),
                uint64(0),
                bytes32(0),
                uint16(9),
                uint64(0)
            )
        );
        bytes32 batchType = keccak256(
            "AeoChangeBatch(bytes32 member,AeoChange[] changes,uint256 nonce,uint64 deadline)AeoChange(uint8 kind,bytes32 operator,uint8 tier,uint64 validFrom,uint64 validUntil,bytes32 evidenceHash,uint16 reason,uint64 effectiveAt)"
        );
        bytes32 structHash = keccak256(
            abi.encode(batchType, CN, keccak256(abi.encodePacked(h0, h1)), 7, uint64(99))
        );
        bytes32 domain = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256("sanzhi AeoRegistry"),
                keccak256("1"),
                block.chainid,
                address(registry)
            )
        );
        assertEq(registry.domainSeparator(), domain, "domain");
        bytes32 expected = keccak256(abi.encodePacked("\x19\x01", domain, structHash));
        assertEq(registry.changesDigest(CN, changes, 7, 99), expected, "digest");
    }

    function test_DependsOnChainAndContract() public {
        IAeoRegistry.AeoChange[] memory changes = _one(_certifyChange(OP_A, 1));
        bytes32 here = registry.changesDigest(CN, changes, 1, 1);
        AeoRegistry other = new AeoRegistry(consortium);
        assertTrue(other.changesDigest(CN, changes, 1, 1) != here, "contract");
        vm.chainId(block.chainid + 1);
        assertTrue(registry.changesDigest(CN, changes, 1, 1) != here, "chain");
    }
}
