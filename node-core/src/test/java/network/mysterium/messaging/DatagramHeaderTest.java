package network.mysterium.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.proto.Datagram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The receive thread's byte-level screen, against protobuf's own parser as the oracle. */
class DatagramHeaderTest {
  private static final int MIN_SEALED = 65 + 16 + 32 + 65 + 40;
  private final SecureRandom random = new SecureRandom();
  private final PrivateKey alice = PrivateKey.generate(random);
  private final PrivateKey bob = PrivateKey.generate(random);

  @AfterEach
  void destroy() {
    alice.destroy();
    bob.destroy();
  }

  private byte[] sealed(int payloadBytes) throws Exception {
    Messenger sender =
        new Messenger(
            alice,
            id -> id.equals(bob.address()) ? Optional.of(bob.publicKey()) : Optional.empty(),
            false,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    return sender.seal(bob.address(), "test", new byte[payloadBytes]);
  }

  @Test
  void everyDatagramTheMessengerSealsPassesAndOpens() throws Exception {
    Messenger receiver =
        new Messenger(
            bob,
            id -> id.equals(alice.address()) ? Optional.of(alice.publicKey()) : Optional.empty(),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    for (int size = 0; size <= Messenger.maxPayloadBytes(); size += 37) {
      byte[] datagram = sealed(size);
      assertThat(DatagramHeader.check(datagram, bob.address().toBytes(), MIN_SEALED))
          .as("payload of %d bytes", size)
          .isNull();
      assertThat(receiver.screen(datagram)).isNull();
      assertThat(receiver.open(datagram).payload()).hasSize(size);
    }
  }

  @Test
  void aNewerSendersExtraFieldsAfterTheSealedPartStillPass() throws Exception {
    Datagram parsed = Datagram.parseFrom(sealed(100));
    byte[] withExtra =
        parsed.toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        9,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFromUtf8("relay hint"))
                            .build())
                    .build())
            .build()
            .toByteArray();
    assertThat(DatagramHeader.check(withExtra, bob.address().toBytes(), MIN_SEALED)).isNull();
  }

  @Test
  void garbageTheWrongRecipientAndTruncationAreRefusedWithTheirReason() throws Exception {
    byte[] valid = sealed(100);
    byte[] random300 = new byte[300];
    random.nextBytes(random300);
    assertThat(DatagramHeader.check(random300, bob.address().toBytes(), MIN_SEALED))
        .isEqualTo(Rejection.MALFORMED);
    assertThat(DatagramHeader.check(valid, alice.address().toBytes(), MIN_SEALED))
        .isEqualTo(Rejection.WRONG_RECIPIENT);
    byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 1);
    assertThat(DatagramHeader.check(truncated, bob.address().toBytes(), MIN_SEALED))
        .isEqualTo(Rejection.MALFORMED);
    assertThat(DatagramHeader.check(new byte[0], bob.address().toBytes(), MIN_SEALED))
        .isEqualTo(Rejection.MALFORMED);
    assertThat(
            DatagramHeader.check(
                new byte[Messenger.MAX_DATAGRAM_BYTES + 1], bob.address().toBytes(), MIN_SEALED))
        .isEqualTo(Rejection.OVERSIZE);
  }

  /**
   * The screen reads the first copy of each field; protobuf keeps the last, and a shortened sealed
   * length can leave trailing bytes that parse as a second recipient or sealed part. So the
   * property is: whatever passes the screen either parses to what the screen claimed, or the
   * worker's full parse refuses it with the reason the screen would have given. Nothing passes both
   * with other claims.
   */
  @Test
  void whatPassesTheScreenIsADatagramToUsWithALongEnoughSealedPart() throws Exception {
    Messenger receiver =
        new Messenger(
            bob,
            id -> id.equals(alice.address()) ? Optional.of(alice.publicKey()) : Optional.empty(),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    byte[] valid = sealed(100);
    Random rng = new Random(16);
    int agreed = 0;
    for (int i = 0; i < 200_000; i++) {
      byte[] mutated = valid.clone();
      int changes = 1 + rng.nextInt(3);
      for (int c = 0; c < changes; c++) {
        mutated[rng.nextInt(Math.min(mutated.length, 32))] = (byte) rng.nextInt(256);
      }
      if (rng.nextBoolean()) {
        mutated = java.util.Arrays.copyOf(mutated, rng.nextInt(mutated.length + 1));
      }
      if (DatagramHeader.check(mutated, bob.address().toBytes(), MIN_SEALED) != null) {
        continue;
      }
      Datagram parsed;
      try {
        parsed = Datagram.parseFrom(mutated);
      } catch (InvalidProtocolBufferException e) {
        continue;
      }
      FirstCopies first;
      try {
        first = firstCopies(mutated);
      } catch (InvalidProtocolBufferException e) {
        continue; // what the generic reader refuses says nothing of the screen
      }
      assertThat(first.version()).as("mutation %d: version", i).isEqualTo(1);
      assertThat(first.recipient())
          .as("mutation %d: recipient", i)
          .isEqualTo(bob.address().toBytes());
      assertThat(first.sealed().length)
          .as("mutation %d: sealed", i)
          .isGreaterThanOrEqualTo(MIN_SEALED);
      assertThat(first.sealed()[0]).isEqualTo((byte) 0x04);
      boolean lastCopiesAgree =
          parsed.getVersion() == 1
              && java.util.Arrays.equals(
                  parsed.getRecipient().toByteArray(), bob.address().toBytes())
              && parsed.getSealed().size() >= MIN_SEALED
              && parsed.getSealed().byteAt(0) == (byte) 0x04;
      if (lastCopiesAgree) {
        agreed++;
        continue;
      }
      byte[] disagreeing = mutated;
      assertThatThrownBy(() -> receiver.open(disagreeing))
          .as("mutation %d: a later copy of a field changes the claims", i)
          .isInstanceOfSatisfying(
              RejectedDatagramException.class,
              e ->
                  assertThat(e.reason())
                      .as("refused by the full parse, before any decryption")
                      .isIn(Rejection.MALFORMED, Rejection.WRONG_RECIPIENT));
    }
    assertThat(agreed).as("some mutations keep the header intact").isPositive();
  }

  private record FirstCopies(int version, byte[] recipient, byte[] sealed) {}

  /**
   * Protobuf's own generic reading (every copy of every field, in order within each wire type),
   * keeping the first copy of each of the three fields: the screen's reading, since the screen
   * demands them first and in order.
   */
  private static FirstCopies firstCopies(byte[] bytes) throws InvalidProtocolBufferException {
    UnknownFieldSet fields = UnknownFieldSet.parseFrom(bytes);
    List<Long> versions = fields.getField(1).getVarintList();
    List<ByteString> recipients = fields.getField(2).getLengthDelimitedList();
    List<ByteString> sealed = fields.getField(3).getLengthDelimitedList();
    return new FirstCopies(
        versions.isEmpty() ? 0 : versions.getFirst().intValue(),
        recipients.isEmpty() ? new byte[0] : recipients.getFirst().toByteArray(),
        sealed.isEmpty() ? new byte[0] : sealed.getFirst().toByteArray());
  }
}
