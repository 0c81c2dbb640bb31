// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistry} from "../../src/CertificateRegistry.sol";
import {IConsortium} from "../../src/interfaces/IConsortium.sol";

/// @notice A changed CertificateRegistry for the upgrade tests: today's registry with one extra
/// view, so its code differs from the build's and only the consortium's vote can make it trusted.
contract CertificateRegistryV2 is CertificateRegistry {
    constructor(IConsortium consortium_) CertificateRegistry(consortium_) {}

    function upgradeNote() external pure returns (string memory) {
        return "v2: one extra view";
    }
}
