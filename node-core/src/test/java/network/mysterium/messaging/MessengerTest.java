package network.mysterium.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessengerTest {
  private final SecureRandom random = new SecureRandom();
  private final PrivateKey alice = PrivateKey.generate(random);
  private final PrivateKey bob = PrivateKey.generate(random);
  private final PrivateKey eve = PrivateKey.generate(random);
  private final PublicKeyDirectory everyone =
      known(
          Map.of(
              alice.address(),
              alice.publicKey(),
              bob.address(),
              bob.publicKey(),
              eve.address(),
              eve.publicKey()));

  @AfterEach
  void destroy() {
    alice.destroy();
    bob.destroy();
    eve.destroy();
  }

  static PublicKeyDirectory known(Map<Address, PublicKey> keys) {
    return identity -> Optional.ofNullable(keys.get(identity));
  }

  private Messenger messenger(PrivateKey key, PublicKeyDirectory directory, Clock clock) {
    return new Messenger(key, directory, true, Duration.ofSeconds(30), clock, random);
  }

  private Messenger messenger(PrivateKey key) {
    return messenger(key, everyone, Clock.systemUTC());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void sealedMessageOpensForItsRecipientWithTheSendersIdentity() throws Exception {
    byte[] datagram = messenger(alice).seal(bob.address(), "test", bytes("hello bob"));
    assertThat(datagram.length).isLessThanOrEqualTo(Messenger.MAX_DATAGRAM_BYTES);
    Message message = messenger(bob).open(datagram);
    assertThat(message.sender()).isEqualTo(alice.address());
    assertThat(message.type()).isEqualTo("test");
    assertThat(message.payload()).isEqualTo(bytes("hello bob"));
  }

  @Test
  void aCapturedDatagramReplayedLaterIsRejected() throws Exception {
    Messenger receiver = messenger(bob);
    byte[] datagram = messenger(alice).seal(bob.address(), "test", bytes("once"));
    receiver.open(datagram);
    assertRejected(receiver, datagram, Rejection.REPLAYED);
    assertThat(receiver.rejections().get(Rejection.REPLAYED)).isEqualTo(1);
  }

  @Test
  void aMessageOutsideTheFreshnessWindowIsRejected() throws Exception {
    Clock past = Clock.fixed(Instant.now().minusSeconds(120), ZoneOffset.UTC);
    byte[] old = messenger(alice, everyone, past).seal(bob.address(), "test", bytes("old"));
    assertRejected(messenger(bob), old, Rejection.STALE);
  }

  @Test
  void aFlippedBitAnywhereIsRejected() throws Exception {
    Messenger receiver = messenger(bob);
    byte[] datagram = messenger(alice).seal(bob.address(), "test", bytes("integrity"));
    for (int bit = 0; bit < datagram.length * 8; bit++) {
      byte[] flipped = datagram.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      int index = bit;
      assertThatThrownBy(() -> receiver.open(flipped))
          .as("bit %d", index)
          .isInstanceOf(RejectedDatagramException.class);
    }
    assertThat(receiver.rejections().total()).isEqualTo(datagram.length * 8L);
    assertThat(receiver.open(datagram).payload()).isEqualTo(bytes("integrity"));
  }

  @Test
  void aMessageEncryptedToSomeoneElseCannotBeRead() throws Exception {
    byte[] toBob = messenger(alice).seal(bob.address(), "test", bytes("for bob only"));
    assertRejected(messenger(eve), toBob, Rejection.WRONG_RECIPIENT);
    // Eve rewrites the clear recipient field to herself: she still cannot decrypt.
    byte[] readdressed =
        network.mysterium.messaging.proto.Datagram.parseFrom(toBob).toBuilder()
            .setRecipient(com.google.protobuf.ByteString.copyFrom(eve.address().toBytes()))
            .build()
            .toByteArray();
    assertRejected(messenger(eve), readdressed, Rejection.UNDECRYPTABLE);
  }

  @Test
  void anUnregisteredSenderIsRejected() throws Exception {
    PublicKeyDirectory onlyAlice =
        known(Map.of(alice.address(), alice.publicKey(), bob.address(), bob.publicKey()));
    byte[] fromEve = messenger(eve).seal(bob.address(), "test", bytes("hi"));
    assertRejected(messenger(bob, onlyAlice, Clock.systemUTC()), fromEve, Rejection.UNKNOWN_SENDER);
  }

  @Test
  void fieldsFromANewerVersionAreToleratedAndStaySigned() throws Exception {
    // A newer node adds field 99 to the envelope: this node keeps and ignores it.
    byte[] envelope =
        network.mysterium.messaging.proto.Envelope.newBuilder()
            .setVersion(Messenger.VERSION)
            .setSender(com.google.protobuf.ByteString.copyFrom(alice.address().toBytes()))
            .setRecipient(com.google.protobuf.ByteString.copyFrom(bob.address().toBytes()))
            .setMessageId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
            .setTimestampMillis(System.currentTimeMillis())
            .setType("test")
            .setPayload(com.google.protobuf.ByteString.copyFrom(bytes("from the future")))
            .setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(
                        99,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                    .build())
            .build()
            .toByteArray();
    byte[] signed =
        network.mysterium.messaging.proto.SignedEnvelope.newBuilder()
            .setEnvelope(com.google.protobuf.ByteString.copyFrom(envelope))
            .setSignature(
                com.google.protobuf.ByteString.copyFrom(
                    alice.sign(network.mysterium.crypto.Keccak.hash(envelope)).toBytes()))
            .build()
            .toByteArray();
    byte[] datagram =
        network.mysterium.messaging.proto.Datagram.newBuilder()
            .setVersion(Messenger.VERSION)
            .setRecipient(com.google.protobuf.ByteString.copyFrom(bob.address().toBytes()))
            .setSealed(
                com.google.protobuf.ByteString.copyFrom(
                    network.mysterium.crypto.Ecies.encrypt(bob.publicKey(), signed, random)))
            .build()
            .toByteArray();
    assertThat(messenger(bob).open(datagram).payload()).isEqualTo(bytes("from the future"));
  }

  @Test
  void oversizeAndGarbageAreRejected() {
    Messenger receiver = messenger(bob);
    assertRejected(receiver, new byte[Messenger.MAX_DATAGRAM_BYTES + 1], Rejection.OVERSIZE);
    assertRejected(receiver, new byte[] {(byte) 0xff, 0x01, 0x02}, Rejection.MALFORMED);
    assertThatThrownBy(
            () ->
                messenger(alice)
                    .seal(bob.address(), "t", new byte[Messenger.maxPayloadBytes() + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void randomInputOnlyEverGivesTheDecodersRejection() {
    Messenger receiver = messenger(bob);
    Random seeded = new Random(7);
    for (int i = 0; i < 5000; i++) {
      byte[] input = new byte[seeded.nextInt(1400)];
      seeded.nextBytes(input);
      assertThatThrownBy(() -> receiver.open(input)).isInstanceOf(RejectedDatagramException.class);
    }
  }

  private static void assertRejected(Messenger receiver, byte[] datagram, Rejection reason) {
    assertThatThrownBy(() -> receiver.open(datagram))
        .isInstanceOf(RejectedDatagramException.class)
        .extracting(e -> ((RejectedDatagramException) e).reason())
        .isEqualTo(reason);
  }
}
