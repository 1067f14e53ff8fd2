package network.mysterium.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {
  /** The examples of EIP-55 itself. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"
      })
  void eip55ExamplesRoundTrip(String checksummed) {
    assertThat(Address.parse(checksummed.toLowerCase()).toString()).isEqualTo(checksummed);
    assertThat(Address.parse(checksummed)).isEqualTo(Address.parse(checksummed.toLowerCase()));
  }

  @Test
  void mixedCaseWithWrongChecksumIsRejected() {
    // one letter's case flipped in an EIP-55 example
    assertThatThrownBy(() -> Address.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void malformedTextIsRejectedWithReason() {
    assertThatThrownBy(() -> Address.parse("0x1234")).hasMessageContaining("40 hex digits");
    assertThatThrownBy(() -> Address.parse("0xzz908400098527886E0F7030069857D2E4169EE7"))
        .hasMessageContaining("not a hex digit");
  }

  /** Private keys to addresses: small keys and Anvil's (Hardhat's) well-known first account. */
  @ParameterizedTest
  @CsvSource({
    "0000000000000000000000000000000000000000000000000000000000000001,"
        + " 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
    "0000000000000000000000000000000000000000000000000000000000000002,"
        + " 0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF",
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80,"
        + " 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d,"
        + " 0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b"
  })
  void privateKeyToAddress(String key, String address) {
    try (PrivateKey privateKey = PrivateKey.of(Hex.decode(key))) {
      assertThat(privateKey.address().toString()).isEqualTo(address);
    }
  }

  @Test
  void keccakOfEmptyInputIsTheKnownValue() {
    assertThat(Hex.encode(Keccak.hash(new byte[0])))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(Hex.encode(Keccak.hash("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  }
}
