package network.mysterium.chain;

import network.mysterium.crypto.Address;

/** Where the followed contracts live on one chain. */
public record ContractAddresses(
    long chainId, Address identityRegistry, Address serviceRegistry, Address payments) {}
