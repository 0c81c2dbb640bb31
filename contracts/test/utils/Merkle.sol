// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice Builds Merkle trees and proofs the way OpenZeppelin's StandardMerkleTree verifies
/// them (double-hashed leaves, sorted pairs), independently of the contracts under test.
library Merkle {
    /// @dev A certificate's leaf: its document hash, quantity, number hash and importing member.
    function leaf(
        bytes32 documentHash,
        uint256 quantity,
        bytes32 numberHash,
        bytes32 importingMember
    ) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(keccak256(abi.encode(documentHash, quantity, numberHash, importingMember)))
        );
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    /// @dev Root of `leaves` paired left to right, level by level; an odd last node moves up.
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        require(leaves.length > 0, "Merkle: no leaves");
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            level = _up(level);
        }
        return level[0];
    }

    /// @dev Sibling hashes from leaf `index` up to the root of `leaves`.
    function proof(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32[] memory path)
    {
        bytes32[] memory siblings = new bytes32[](256);
        uint256 depth;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) siblings[depth++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        path = new bytes32[](depth);
        for (uint256 i = 0; i < depth; ++i) {
            path[i] = siblings[i];
        }
    }

    /// @dev The root reached from `leafHash` through `path`.
    function fold(bytes32 leafHash, bytes32[] memory path) internal pure returns (bytes32 node) {
        node = leafHash;
        for (uint256 i = 0; i < path.length; ++i) {
            node = hashPair(node, path[i]);
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i = 0; i < next.length; ++i) {
            uint256 left = 2 * i;
            next[i] = left + 1 < level.length ? hashPair(level[left], level[left + 1]) : level[left];
        }
    }
}
