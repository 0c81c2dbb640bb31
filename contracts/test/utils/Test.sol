// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";

/// @notice Minimal stand-in for forge-std's Test: the cheatcode handle, assertions, bound.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev forge discovers test contracts by this flag.
    bool public IS_TEST = true;

    error AssertionFailed(string message);

    function fail(string memory message) internal pure {
        revert AssertionFailed(message);
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) fail(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) fail(message);
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) {
            fail(string.concat(message, ": ", _toString(a), " != ", _toString(b)));
        }
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) fail(message);
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) fail(message);
    }

    function assertEq(bool a, bool b, string memory message) internal pure {
        if (a != b) fail(message);
    }

    function assertEq(string memory a, string memory b, string memory message) internal pure {
        if (keccak256(bytes(a)) != keccak256(bytes(b))) fail(message);
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) fail(string.concat(message, ": ", _toString(a), " > ", _toString(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) fail(string.concat(message, ": ", _toString(a), " < ", _toString(b)));
    }

    /// @dev Map `x` into [min, max] uniformly enough for fuzzing, keeping small values as is.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        return min + (x % size);
    }

    function _toString(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) {
            ++digits;
        }
        bytes memory buffer = new bytes(digits);
        for (; value != 0; value /= 10) {
            buffer[--digits] = bytes1(uint8(48 + (value % 10)));
        }
        return string(buffer);
    }
}
