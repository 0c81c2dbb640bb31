// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {IConsortium} from "../src/interfaces/IConsortium.sol";

contract Consortium_approve_Test is BaseTest {
    function test_AddMember_ExecutesAtThreshold() public {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        assertFalse(consortium.isMember(TH), "not before threshold");
        vm.prank(sgCustoms);
        consortium.approve(id);
        assertTrue(consortium.isMember(TH), "member after threshold");
        assertEq(consortium.memberCount(), 3, "count");
    }

    function test_RevertWhen_StrangerApproves() public {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortium.ConsortiumNotMemberAdmin.selector, stranger)
        );
        vm.prank(stranger);
        consortium.approve(id);
    }
}
