package network.mysterium.chain;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Hex;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The byte form of a contract log that the chain fuzz target reads and its seed corpus is written
 * in: one byte choosing the emitter (0 identity registry, 1 service registry, 2 payments, any
 * other: a stranger), one byte with the number of topics (mod 5), the topics (32 bytes each), then
 * the ABI data.
 */
final class FuzzedLogs {
  static final long CHAIN_ID = 31337;
  static final ContractAddresses CONTRACTS =
      new ContractAddresses(
          CHAIN_ID,
          Address.parse("0x00000000000000000000000000000000000000a1"),
          Address.parse("0x00000000000000000000000000000000000000a2"),
          Address.parse("0x00000000000000000000000000000000000000a3"));
  private static final Address STRANGER =
      Address.parse("0x00000000000000000000000000000000000000ff");

  private FuzzedLogs() {}

  static Log log(byte[] input, long block) {
    int emitter = input.length > 0 ? input[0] & 0xff : 0;
    int topicCount = input.length > 1 ? (input[1] & 0xff) % 5 : 0;
    int at = Math.min(2, input.length);
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < topicCount && at + 32 <= input.length; i++, at += 32) {
      topics.add(Hex.encodePrefixed(Arrays.copyOfRange(input, at, at + 32)));
    }
    byte[] data = Arrays.copyOfRange(input, at, input.length);
    Address address =
        switch (emitter) {
          case 0 -> CONTRACTS.identityRegistry();
          case 1 -> CONTRACTS.serviceRegistry();
          case 2 -> CONTRACTS.payments();
          default -> STRANGER;
        };
    String hash = Hex.encodePrefixed(BigInteger.valueOf(block).toByteArray());
    return new Log(
        false,
        "0x0",
        "0x0",
        hash,
        hash,
        "0x" + Long.toHexString(block),
        address.toString(),
        Hex.encodePrefixed(data),
        null,
        topics);
  }

  /** A real log in this form, its emitter given by which of the deployment's contracts it is. */
  static byte[] encode(int emitter, List<String> topics, String data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(emitter);
    out.write(topics.size());
    for (String topic : topics) {
      out.writeBytes(Hex.decode(topic, 32));
    }
    out.writeBytes(Hex.decode(data));
    return out.toByteArray();
  }
}
