package network.mysterium.chain;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.TypedData;
import network.mysterium.crypto.TypedData.Field;

/**
 * The EIP-712 messages the contracts verify, bound to one contract on one chain by the domain
 * (name, version, chainId, verifyingContract), so a signature is good nowhere else.
 */
public final class ContractMessages {
  /** An EIP-712 domain of one deployed contract. */
  public record Domain(String name, String version, long chainId, Address verifyingContract) {
    public static Domain identityRegistry(long chainId, Address contract) {
      return new Domain("Mysterium Identity Registry", "1", chainId, contract);
    }

    public static Domain serviceRegistry(long chainId, Address contract) {
      return new Domain("Mysterium Service Registry", "1", chainId, contract);
    }

    public static Domain payments(long chainId, Address contract) {
      return new Domain("Mysterium Payments", "1", chainId, contract);
    }

    Map<String, Object> values() {
      return Map.of(
          "name",
          name,
          "version",
          version,
          "chainId",
          BigInteger.valueOf(chainId),
          "verifyingContract",
          verifyingContract);
    }
  }

  private static final List<Field> DOMAIN_FIELDS =
      List.of(
          new Field("name", "string"),
          new Field("version", "string"),
          new Field("chainId", "uint256"),
          new Field("verifyingContract", "address"));

  private ContractMessages() {}

  /** Signed by the identity: it registers, paid for by {@code payer}, for {@code stake}. */
  public static TypedData registration(
      Domain domain, Address identity, Address payer, BigInteger stake) {
    return typed(
        domain,
        "Registration",
        List.of(
            new Field("identity", "address"),
            new Field("payer", "address"),
            new Field("stake", "uint256")),
        identity,
        payer,
        stake);
  }

  /**
   * Signed by a provider over the keccak256 of its proposal's canonical bytes; bound to the service
   * registry of one chain so it cannot be announced elsewhere.
   */
  public static TypedData proposal(Domain domain, byte[] proposalHash) {
    return typed(
        domain, "ProposalHash", List.of(new Field("proposal", "bytes32")), (Object) proposalHash);
  }

  /**
   * Signed by the issuer (consumer): it owes {@code amount} to the benefiter under {@code serial}.
   */
  public static TypedData promise(
      Domain domain, Address issuer, Address benefiter, BigInteger serial, BigInteger amount) {
    return typed(
        domain,
        "Promise",
        List.of(
            new Field("issuer", "address"),
            new Field("benefiter", "address"),
            new Field("serial", "uint256"),
            new Field("amount", "uint256")),
        issuer,
        benefiter,
        serial,
        amount);
  }

  /**
   * Signed by the benefiter (provider): it clears the promise, accepting partial payment or not.
   */
  public static TypedData clearing(
      Domain domain,
      Address issuer,
      Address benefiter,
      BigInteger serial,
      BigInteger amount,
      boolean acceptPartial) {
    return typed(
        domain,
        "Clearing",
        List.of(
            new Field("issuer", "address"),
            new Field("benefiter", "address"),
            new Field("serial", "uint256"),
            new Field("amount", "uint256"),
            new Field("acceptPartial", "bool")),
        issuer,
        benefiter,
        serial,
        amount,
        acceptPartial);
  }

  /**
   * Signed by the identity: send {@code amount} of its account to {@code to}, once ({@code nonce}).
   */
  public static TypedData withdrawal(
      Domain domain, Address identity, Address to, BigInteger amount, BigInteger nonce) {
    return typed(
        domain,
        "Withdrawal",
        List.of(
            new Field("identity", "address"),
            new Field("to", "address"),
            new Field("amount", "uint256"),
            new Field("nonce", "uint256")),
        identity,
        to,
        amount,
        nonce);
  }

  private static TypedData typed(Domain domain, String type, List<Field> fields, Object... values) {
    Map<String, Object> message = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      message.put(fields.get(i).name(), values[i]);
    }
    return new TypedData(
        Map.of(TypedData.DOMAIN_TYPE, DOMAIN_FIELDS, type, fields), type, domain.values(), message);
  }
}
