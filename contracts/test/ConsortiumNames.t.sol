// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumAuthTest, ConsortiumTest} from "./Consortium.t.sol";
import {IConsortium} from "../src/interfaces/IConsortium.sol";

contract Consortium_renameAccount_Test is ConsortiumAuthTest {
    bytes32 internal constant CUSTOMS_ROLE = keccak256("CUSTOMS_ROLE");

    address internal cnCustomsKey = _actor("cn-customs-key");

    /// @dev cnIssuer is accredited by CN in the fixture; CN's admin is cnCustoms2 by then.
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.renameAccount(cnIssuer, "Ningbo Chamber of Commerce");
    }

    function test_Rename_ChangesNameAndEmits() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.expectEmit(address(consortium));
        emit IConsortium.AccountNamed(cnIssuer, CN, unicode"宁波市贸促会");
        vm.prank(cnCustoms);
        consortium.renameAccount(cnIssuer, unicode"宁波市贸促会");
        (bytes32 memberId, string memory name) = consortium.accountName(cnIssuer);
        assertEq(memberId, CN, "member");
        assertEq(name, unicode"宁波市贸促会", "renamed");
    }

    function test_Rename_KeepsAccreditations() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.prank(cnCustoms);
        consortium.renameAccount(cnIssuer, "Renamed");
        assertTrue(consortium.isAccredited(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "kept");
        assertEq(consortium.accreditingMember(cnIssuer), CN, "still CN's");
    }

    function test_RevertWhen_OtherMembersAdmin() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAccountOfOtherMember.selector, cnIssuer, CN
            )
        );
        vm.prank(sgCustoms);
        consortium.renameAccount(cnIssuer, "Look-alike");
    }

    function test_RevertWhen_CustomsKeyOfTheSameMember() public {
        _accredit(cnCustoms, cnCustomsKey, CUSTOMS_ROLE, 0);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _expectRevert(IConsortium.ConsortiumNotMemberAdmin.selector, cnCustomsKey);
        vm.prank(cnCustomsKey);
        consortium.renameAccount(cnIssuer, "Look-alike");
    }

    function test_RevertWhen_AccountRenamesItself() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _expectRevert(IConsortium.ConsortiumNotMemberAdmin.selector, cnIssuer);
        vm.prank(cnIssuer);
        consortium.renameAccount(cnIssuer, "Look-alike");
    }

    function test_RevertWhen_AccountNeverAccredited() public {
        _expectRevert(IConsortium.ConsortiumAccountNotBound.selector, exporter);
        vm.prank(cnCustoms);
        consortium.renameAccount(exporter, "Exporter");
    }

    function test_RevertWhen_AllGrantsWithdrawn() public {
        _accredit(cnCustoms, exporter, TRADE_ROLE, 0);
        vm.prank(cnCustoms);
        consortium.withdraw(exporter, TRADE_ROLE, 0);
        _expectRevert(IConsortium.ConsortiumAccountNotBound.selector, exporter);
        vm.prank(cnCustoms);
        consortium.renameAccount(exporter, "Exporter");
    }

    function test_Rename_ByReadmittedMemberStillBound() public {
        _thGrantThenLeaveAndReturn();
        vm.prank(thCustoms);
        consortium.renameAccount(exporter, "Bangkok exporter");
        (bytes32 memberId, string memory name) = consortium.accountName(exporter);
        assertEq(memberId, TH, "member");
        assertEq(name, "Bangkok exporter", "renamed");
    }

    function test_RevertWhen_NameEmpty() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _expectRevert(IConsortium.ConsortiumInvalidName.selector, uint256(0));
        vm.prank(cnCustoms);
        consortium.renameAccount(cnIssuer, "");
    }

    function test_RevertWhen_NameTooLong() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _expectRevert(IConsortium.ConsortiumInvalidName.selector, uint256(65));
        vm.prank(cnCustoms);
        consortium.renameAccount(cnIssuer, string(new bytes(65)));
    }
}

contract Consortium_accountName_Test is ConsortiumTest {
    function test_AccountName_NotCarriedOverToAnotherMember() public {
        vm.prank(cnCustoms);
        consortium.accredit(exporter, TRADE_ROLE, 0, "Named by CN");
        vm.prank(cnCustoms);
        consortium.withdraw(exporter, TRADE_ROLE, 0);
        (bytes32 memberId, string memory name) = consortium.accountName(exporter);
        assertEq(memberId, 0, "unbound: no member");
        assertEq(name, "", "unbound: no name");

        vm.prank(sgCustoms);
        consortium.accredit(exporter, TRADE_ROLE, 0, "Named by SG");
        (memberId, name) = consortium.accountName(exporter);
        assertEq(memberId, SG, "SG vouches");
        assertEq(name, "Named by SG", "SG's name");

        vm.prank(sgCustoms);
        consortium.withdraw(exporter, TRADE_ROLE, 0);
        vm.prank(cnCustoms);
        consortium.accredit(exporter, TRADE_ROLE, 0, "Named by CN again");
        (memberId, name) = consortium.accountName(exporter);
        assertEq(memberId, CN, "CN again");
        assertEq(name, "Named by CN again", "CN's new name");
    }

    function test_AccountName_StandsWhileMemberAway() public {
        _addTH();
        vm.prank(thCustoms);
        consortium.accredit(exporter, ORACLE_ROLE, 0, "Bangkok oracle");
        _removeMember(cnCustoms, sgCustoms, TH);
        (bytes32 memberId, string memory name) = consortium.accountName(exporter);
        assertEq(memberId, TH, "still bound to TH");
        assertEq(name, "Bangkok oracle", "name kept");
    }

    function test_AccountName_OfMemberAdminIsEmpty() public view {
        (bytes32 memberId, string memory name) = consortium.accountName(cnCustoms);
        assertEq(memberId, 0, "admins are named by their member record");
        assertEq(name, "", "no account name");
    }
}
