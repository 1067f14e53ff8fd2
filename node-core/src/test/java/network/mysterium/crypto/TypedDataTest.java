package network.mysterium.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example of the EIP-712 specification ("Ether Mail"), with its published values. */
class TypedDataTest {
  private static TypedData mail() throws IOException {
    try (InputStream in = TypedDataTest.class.getResourceAsStream("/eip712-mail.json")) {
      return TypedData.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void encodeTypeAndTypeHashMatchTheSpecification() throws IOException {
    TypedData mail = mail();
    assertThat(mail.encodeType("Mail"))
        .isEqualTo("Mail(Person from,Person to,string contents)Person(string name,address wallet)");
    assertThat(Hex.encode(mail.typeHash("Mail")))
        .isEqualTo("a0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
  }

  @Test
  void structHashDomainSeparatorAndDigestMatchTheSpecification() throws IOException {
    TypedData mail = mail();
    assertThat(Hex.encode(mail.hashStruct("Mail", mail.message())))
        .isEqualTo("c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
    assertThat(Hex.encode(mail.domainSeparator()))
        .isEqualTo("f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
    assertThat(Hex.encode(mail.digest()))
        .isEqualTo("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
  }

  @Test
  void signatureByCowMatchesTheSpecification() throws Exception {
    TypedData mail = mail();
    // The specification's signer: the key keccak256("cow").
    try (PrivateKey cow = PrivateKey.of(Keccak.hash("cow".getBytes(StandardCharsets.US_ASCII)))) {
      assertThat(cow.address())
          .isEqualTo(Address.parse("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"));
      Signature signature = mail.sign(cow);
      assertThat(signature.v()).isEqualTo(28);
      assertThat(Hex.encode(Secp256k1.toBytes32(signature.r())))
          .isEqualTo("4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d");
      assertThat(Hex.encode(Secp256k1.toBytes32(signature.s())))
          .isEqualTo("07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562");
      assertThat(mail.recover(signature)).isEqualTo(cow.address());
    }
  }

  @Test
  void changingTheDomainChangesTheDigest() throws IOException {
    TypedData mail = mail();
    Map<String, Object> otherChain = new java.util.HashMap<>(mail.domain());
    otherChain.put("chainId", 5);
    TypedData moved = new TypedData(mail.types(), mail.primaryType(), otherChain, mail.message());
    assertThat(moved.digest()).isNotEqualTo(mail.digest());
  }

  @Test
  void badTypedDataIsRejectedWithReason() throws IOException {
    assertThatThrownBy(() -> TypedData.fromJson("{\"types\": {"))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> TypedData.fromJson("{\"types\": {}}"))
        .hasMessageContaining("no 'primaryType'");
    TypedData mail = mail();
    Map<String, Object> noContents = new java.util.HashMap<>(mail.message());
    noContents.remove("contents");
    TypedData incomplete = new TypedData(mail.types(), "Mail", mail.domain(), noContents);
    assertThatThrownBy(incomplete::digest).hasMessageContaining("Mail.contents has no value");
  }
}
