package network.mysterium.chain;

import network.mysterium.contracts.Deployment;
import network.mysterium.crypto.Address;

/** Where the followed contracts live on one chain. */
public record ContractAddresses(
    long chainId, Address identityRegistry, Address serviceRegistry, Address payments) {

  public static ContractAddresses of(Deployment deployment) {
    return new ContractAddresses(
        deployment.chainId(),
        Address.parse(deployment.identityRegistry()),
        Address.parse(deployment.serviceRegistry()),
        Address.parse(deployment.payments()));
  }
}
