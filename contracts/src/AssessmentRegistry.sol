// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium, RegistryNotActive} from "./interfaces/IConsortium.sol";
import {IAssessmentRegistry} from "./interfaces/IAssessmentRegistry.sol";

/// @title AssessmentRegistry
/// @notice Members' smart-readiness self-assessments, committed as Merkle roots of their answers
/// by each member's admin, every submission kept (see IAssessmentRegistry).
contract AssessmentRegistry is IAssessmentRegistry {
    /// @notice Most submissions per `submissions` page.
    uint256 public constant MAX_HISTORY_PAGE = 256;
    /// @notice Most indicators one submission may answer.
    uint256 public constant MAX_INDICATORS = 256;

    IConsortium private immutable _consortium;

    mapping(bytes32 member => Submission[]) private _submissions;

    /// @param consortium_ The consortium whose members submit.
    constructor(IConsortium consortium_) {
        _consortium = consortium_;
    }

    /// @notice What the consortium lists this deployment as.
    function registryKind() external pure returns (bytes32) {
        return "AssessmentRegistry";
    }

    /// @notice The consortium this deployment belongs to (when it lists it).
    function consortium() external view returns (IConsortium) {
        return _consortium;
    }

    /// @inheritdoc IAssessmentRegistry
    function submit(
        bytes32 frameworkVersion,
        bytes32 answersRoot,
        bytes32 answersDigest,
        uint16 indicators
    ) external returns (uint256 number) {
        if (!_consortium.isActiveRegistry(address(this))) {
            revert RegistryNotActive(address(this));
        }
        // an active member's admin only: memberOf is zero for anyone else
        bytes32 member = _consortium.memberOf(msg.sender);
        if (member == bytes32(0)) revert AssessmentRegistryNotMemberAdmin(msg.sender);
        if (frameworkVersion == bytes32(0)) revert AssessmentRegistryZeroVersion();
        if (answersRoot == bytes32(0)) revert AssessmentRegistryZeroRoot();
        if (answersDigest == bytes32(0)) revert AssessmentRegistryZeroDigest();
        if (indicators == 0 || indicators > MAX_INDICATORS) {
            revert AssessmentRegistryInvalidIndicatorCount(indicators, MAX_INDICATORS);
        }
        Submission[] storage history = _submissions[member];
        uint256 count = history.length;
        if (count != 0) {
            Submission storage last = history[count - 1];
            if (
                last.frameworkVersion == frameworkVersion && last.answersRoot == answersRoot
                    && last.answersDigest == answersDigest
            ) revert AssessmentRegistryUnchanged(member, count);
        }
        _submissions[member].push(
            Submission(
                frameworkVersion,
                answersRoot,
                answersDigest,
                msg.sender,
                uint64(block.timestamp),
                indicators
            )
        );
        number = count + 1;
        emit AssessmentSubmitted(
            member, number, frameworkVersion, answersRoot, answersDigest, indicators, msg.sender
        );
    }

    /// @inheritdoc IAssessmentRegistry
    function submissionCount(bytes32 member) external view returns (uint256) {
        return _submissions[member].length;
    }

    /// @inheritdoc IAssessmentRegistry
    function latest(bytes32 member)
        external
        view
        returns (uint256 number, Submission memory record)
    {
        Submission[] storage history = _submissions[member];
        number = history.length;
        if (number == 0) revert AssessmentRegistryNoSubmission(member, 0);
        record = history[number - 1];
    }

    /// @inheritdoc IAssessmentRegistry
    function submission(bytes32 member, uint256 number) external view returns (Submission memory) {
        Submission[] storage history = _submissions[member];
        if (number == 0 || number > history.length) {
            revert AssessmentRegistryNoSubmission(member, number);
        }
        return history[number - 1];
    }

    /// @inheritdoc IAssessmentRegistry
    function submissions(bytes32 member, uint256 offset, uint256 limit)
        external
        view
        returns (Submission[] memory page)
    {
        if (limit > MAX_HISTORY_PAGE) {
            revert AssessmentRegistryPageTooLarge(limit, MAX_HISTORY_PAGE);
        }
        Submission[] storage history = _submissions[member];
        uint256 length = history.length;
        uint256 start = offset < length ? offset : length;
        uint256 end = length - start < limit ? length : start + limit;
        page = new Submission[](end - start);
        for (uint256 i = start; i < end; ++i) {
            page[i - start] = history[i];
        }
    }
}
