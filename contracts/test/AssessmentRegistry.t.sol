// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {AssessmentRegistry} from "../src/AssessmentRegistry.sol";
import {IAssessmentRegistry} from "../src/interfaces/IAssessmentRegistry.sol";
import {RegistryNotActive} from "../src/interfaces/IConsortium.sol";

/// @notice AssessmentRegistry on the CN+SG consortium; CN has an accredited customs key and an
/// issuer (neither is its admin). The member admins are cnCustoms and sgCustoms (BaseTest).
abstract contract AssessmentRegistryBaseTest is BaseTest {
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    bytes32 internal constant VERSION = bytes32("2026.1");
    bytes32 internal constant ROOT = keccak256("CN answers, first");
    bytes32 internal constant ROOT_2 = keccak256("CN answers, second");
    bytes32 internal constant DIGEST = keccak256("answers file");
    uint16 internal constant INDICATORS = 30;

    address internal cnOps = _actor("cn-ops");

    AssessmentRegistry internal registry;

    function setUp() public virtual override {
        super.setUp();
        registry = new AssessmentRegistry(consortium);
        _list(address(registry));
        _accredit(cnCustoms, cnOps, CUSTOMS_ROLE, bytes32(0));
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
    }

    function _submit(address caller, bytes32 root) internal returns (uint256) {
        vm.prank(caller);
        return registry.submit(VERSION, root, DIGEST, INDICATORS);
    }
}

contract AssessmentRegistry_submit_Test is AssessmentRegistryBaseTest {
    function test_AdminSubmitsForItsOwnMember() public {
        vm.expectEmit(address(registry));
        emit IAssessmentRegistry.AssessmentSubmitted(
            CN, 1, VERSION, ROOT, DIGEST, INDICATORS, cnCustoms
        );
        assertEq(_submit(cnCustoms, ROOT), 1, "first number");
        (uint256 number, IAssessmentRegistry.Submission memory s) = registry.latest(CN);
        assertEq(number, 1, "latest number");
        assertEq(s.frameworkVersion, VERSION, "version");
        assertEq(s.answersRoot, ROOT, "root");
        assertEq(s.answersDigest, DIGEST, "digest");
        assertEq(s.submitter, cnCustoms, "submitter");
        assertEq(s.submittedAt, uint64(block.timestamp), "time");
        assertEq(s.indicators, INDICATORS, "indicators");
        assertEq(registry.submissionCount(SG), 0, "SG untouched");
    }

    function test_AnotherMembersAdminSubmitsForItsOwnMemberOnly() public {
        _submit(cnCustoms, ROOT);
        _submit(sgCustoms, ROOT_2);
        assertEq(registry.submissionCount(CN), 1, "CN keeps one");
        assertEq(registry.submissionCount(SG), 1, "SG has its own");
        (, IAssessmentRegistry.Submission memory cn) = registry.latest(CN);
        assertEq(cn.answersRoot, ROOT, "CN's answers not replaced by SG's");
    }

    function test_HistoryIsAppendOnlyWithBlockTimes() public {
        _submit(cnCustoms, ROOT);
        vm.warp(block.timestamp + 365 days);
        assertEq(_submit(cnCustoms, ROOT_2), 2, "second number");
        IAssessmentRegistry.Submission memory first = registry.submission(CN, 1);
        IAssessmentRegistry.Submission memory second = registry.submission(CN, 2);
        assertEq(first.answersRoot, ROOT, "first kept");
        assertEq(second.answersRoot, ROOT_2, "second");
        assertEq(second.submittedAt - first.submittedAt, 365 days, "block times");
    }

    function test_RevertWhen_AccreditedKeyOfTheMember() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryNotMemberAdmin.selector, cnOps
            )
        );
        _submit(cnOps, ROOT);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryNotMemberAdmin.selector, cnIssuer
            )
        );
        _submit(cnIssuer, ROOT);
    }

    function test_RevertWhen_Stranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryNotMemberAdmin.selector, stranger
            )
        );
        _submit(stranger, ROOT);
    }

    function test_RevertWhen_MemberRemoved() public {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeThreshold(1);
        vm.prank(sgCustoms);
        consortium.approve(id);
        vm.prank(sgCustoms);
        consortium.proposeRemoveMember(CN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryNotMemberAdmin.selector, cnCustoms
            )
        );
        _submit(cnCustoms, ROOT);
    }

    function test_RevertWhen_RegistryNotListed() public {
        AssessmentRegistry unlisted = new AssessmentRegistry(consortium);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(unlisted)));
        vm.prank(cnCustoms);
        unlisted.submit(VERSION, ROOT, DIGEST, INDICATORS);
    }

    function test_RevertWhen_ZeroFields() public {
        vm.startPrank(cnCustoms);
        vm.expectRevert(IAssessmentRegistry.AssessmentRegistryZeroVersion.selector);
        registry.submit(bytes32(0), ROOT, DIGEST, INDICATORS);
        vm.expectRevert(IAssessmentRegistry.AssessmentRegistryZeroRoot.selector);
        registry.submit(VERSION, bytes32(0), DIGEST, INDICATORS);
        vm.expectRevert(IAssessmentRegistry.AssessmentRegistryZeroDigest.selector);
        registry.submit(VERSION, ROOT, bytes32(0), INDICATORS);
        vm.stopPrank();
    }

    function test_IndicatorBounds() public {
        vm.startPrank(cnCustoms);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryInvalidIndicatorCount.selector, 0, 256
            )
        );
        registry.submit(VERSION, ROOT, DIGEST, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryInvalidIndicatorCount.selector, 257, 256
            )
        );
        registry.submit(VERSION, ROOT, DIGEST, 257);
        registry.submit(VERSION, ROOT, DIGEST, 1);
        registry.submit(VERSION, ROOT_2, DIGEST, 256);
        vm.stopPrank();
        assertEq(registry.submissionCount(CN), 2, "both bounds taken");
    }

    function test_RevertWhen_Unchanged() public {
        _submit(cnCustoms, ROOT);
        vm.expectRevert(
            abi.encodeWithSelector(IAssessmentRegistry.AssessmentRegistryUnchanged.selector, CN, 1)
        );
        _submit(cnCustoms, ROOT);
    }
}

contract AssessmentRegistry_views_Test is AssessmentRegistryBaseTest {
    function test_RevertWhen_NoSubmission() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryNoSubmission.selector, CN, 0
            )
        );
        registry.latest(CN);
        _submit(cnCustoms, ROOT);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryNoSubmission.selector, CN, 2
            )
        );
        registry.submission(CN, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryNoSubmission.selector, CN, 0
            )
        );
        registry.submission(CN, 0);
    }

    function test_Pages() public {
        _submit(cnCustoms, ROOT);
        _submit(cnCustoms, ROOT_2);
        _submit(cnCustoms, ROOT);
        IAssessmentRegistry.Submission[] memory page = registry.submissions(CN, 1, 5);
        assertEq(page.length, 2, "from the second on");
        assertEq(page[0].answersRoot, ROOT_2, "second first");
        assertEq(registry.submissions(CN, 3, 5).length, 0, "past the end");
        assertEq(registry.submissions(CN, 0, 256).length, 3, "the largest page");
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssessmentRegistry.AssessmentRegistryPageTooLarge.selector, 257, 256
            )
        );
        registry.submissions(CN, 0, 257);
    }

    function test_Kind() public view {
        assertEq(registry.registryKind(), bytes32("AssessmentRegistry"), "kind");
        assertEq(address(registry.consortium()), address(consortium), "consortium");
    }
}
