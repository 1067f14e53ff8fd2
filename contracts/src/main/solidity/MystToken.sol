// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// Stands in for the real MYST on local and test chains: a fixed supply, minted once.
contract MystToken is ERC20("Mysterium Token", "MYST") {
    constructor(uint256 supply, address holder) {
        _mint(holder, supply);
    }
}
