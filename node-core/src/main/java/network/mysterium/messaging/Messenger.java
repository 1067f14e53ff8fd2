package network.mysterium.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Ecies;
import network.mysterium.crypto.InvalidSignatureException;
import network.mysterium.crypto.Keccak;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.crypto.Signature;
import network.mysterium.messaging.proto.Datagram;
import network.mysterium.messaging.proto.Envelope;
import network.mysterium.messaging.proto.SignedEnvelope;

/**
 * Seals messages into datagrams and opens received ones (whitepaper 6.6): the envelope is signed by
 * the sender's identity key, then encrypted with ECIES to the recipient's key. Opening checks, in
 * order: size, structure, recipient, decryption, signature, sender registration, freshness and
 * replay; a refusal is a {@link RejectedDatagramException} and is counted.
 */
public final class Messenger {
  /**
   * Fits a UDP datagram without IP fragmentation on common paths (1280-byte IPv6 minimum MTU less
   * headers, with margin).
   */
  public static final int MAX_DATAGRAM_BYTES = 1200;

  static final int VERSION = 1;

  /** An ephemeral key, IV, a minimal signed envelope and the tag: anything shorter is no ECDH. */
  private static final int MIN_SEALED_BYTES = Ecies.OVERHEAD + 65 + 40;

  private final PrivateKey identity;
  private final Address address;
  private final PublicKeyDirectory directory;
  private final boolean requireKnownSender;
  private final ReplayGuard replays;
  private final Clock clock;
  private final SecureRandom random;
  private final RejectionCounters rejections = new RejectionCounters();

  /**
   * @param identity this node's unlocked key; the messenger uses it, the caller owns it
   * @param requireKnownSender refuse senders the directory does not know (the registry lookup)
   */
  public Messenger(
      PrivateKey identity,
      PublicKeyDirectory directory,
      boolean requireKnownSender,
      Duration freshness,
      Clock clock,
      SecureRandom random) {
    this(identity, directory, requireKnownSender, freshness, clock, random, ReplayFloor.inMemory());
  }

  /**
   * @param replayFloor where the replay guard keeps what must survive a restart
   */
  public Messenger(
      PrivateKey identity,
      PublicKeyDirectory directory,
      boolean requireKnownSender,
      Duration freshness,
      Clock clock,
      SecureRandom random,
      ReplayFloor replayFloor) {
    this.identity = identity;
    this.address = identity.address();
    this.directory = directory;
    this.requireKnownSender = requireKnownSender;
    this.replays =
        new ReplayGuard(
            clock,
            freshness,
            replayFloor,
            ReplayGuard.DEFAULT_PER_SENDER,
            ReplayGuard.DEFAULT_TOTAL);
    this.clock = clock;
    this.random = random;
  }

  public Address address() {
    return address;
  }

  /** Stops: what the replay guard must remember across a restart is written exactly. */
  public void stop() {
    replays.stop();
  }

  public RejectionCounters rejections() {
    return rejections;
  }

  /** The largest payload that still fits a datagram. */
  public static int maxPayloadBytes() {
    // datagram framing (~30) + ECIES + signed-envelope framing (~75) + envelope header (~90)
    return MAX_DATAGRAM_BYTES - Ecies.OVERHEAD - 200;
  }

  /**
   * @throws IllegalArgumentException if the recipient's key is unknown or the payload too large
   */
  public byte[] seal(Address recipient, String type, byte[] payload) {
    PublicKey key =
        directory
            .publicKey(recipient)
            .orElseThrow(
                () -> new IllegalArgumentException("no public key known for " + recipient));
    if (payload.length > maxPayloadBytes()) {
      throw new IllegalArgumentException(
          "payload of " + payload.length + " bytes exceeds " + maxPayloadBytes());
    }
    byte[] messageId = new byte[16];
    random.nextBytes(messageId);
    byte[] envelope =
        Envelope.newBuilder()
            .setVersion(VERSION)
            .setSender(ByteString.copyFrom(address.toBytes()))
            .setRecipient(ByteString.copyFrom(recipient.toBytes()))
            .setMessageId(ByteString.copyFrom(messageId))
            .setTimestampMillis(clock.millis())
            .setType(type)
            .setPayload(ByteString.copyFrom(payload))
            .build()
            .toByteArray();
    Signature signature = identity.sign(Keccak.hash(envelope));
    byte[] signed =
        SignedEnvelope.newBuilder()
            .setEnvelope(ByteString.copyFrom(envelope))
            .setSignature(ByteString.copyFrom(signature.toBytes()))
            .build()
            .toByteArray();
    return Datagram.newBuilder()
        .setVersion(VERSION)
        .setRecipient(ByteString.copyFrom(recipient.toBytes()))
        .setSealed(ByteString.copyFrom(Ecies.encrypt(key, signed, random)))
        .build()
        .toByteArray();
  }

  /** Opens a received datagram, or refuses it with the reason (and counts it). */
  public Message open(byte[] datagram) throws RejectedDatagramException {
    try {
      return openUnchecked(datagram);
    } catch (RejectedDatagramException e) {
      rejections.count(e.reason());
      throw e;
    }
  }

  /**
   * The receive thread's check of an unauthenticated datagram: size, framing and recipient, read
   * straight from the bytes, without parsing, allocating or throwing (a flood of garbage costs a
   * few comparisons each). Senders write the three fields first and in field order, as every
   * protobuf encoder does: version, recipient, sealed; later fields may follow. Counts what it
   * refuses.
   *
   * @return null when the datagram is worth opening, else why not
   */
  public Rejection screen(byte[] datagram) {
    Rejection refused = DatagramHeader.check(datagram, address.toBytes(), MIN_SEALED_BYTES);
    if (refused != null) {
      rejections.count(refused);
    }
    return refused;
  }

  /** Counts a datagram that the receive path dropped unopened (rate limit, full queue). */
  public void countDropped(Rejection reason) {
    rejections.count(reason);
  }

  private Datagram screened(byte[] bytes) throws RejectedDatagramException {
    if (bytes.length > MAX_DATAGRAM_BYTES) {
      throw new RejectedDatagramException(Rejection.OVERSIZE, bytes.length + " bytes");
    }
    Datagram datagram = parse(() -> Datagram.parseFrom(bytes));
    if (datagram.getVersion() != VERSION) {
      throw new RejectedDatagramException(
          Rejection.MALFORMED, "wire version " + datagram.getVersion());
    }
    if (!Arrays.equals(datagram.getRecipient().toByteArray(), address.toBytes())) {
      throw new RejectedDatagramException(Rejection.WRONG_RECIPIENT, "addressed to someone else");
    }
    if (datagram.getSealed().size() < MIN_SEALED_BYTES || datagram.getSealed().byteAt(0) != 0x04) {
      throw new RejectedDatagramException(Rejection.MALFORMED, "sealed part too short");
    }
    return datagram;
  }

  private Message openUnchecked(byte[] bytes) throws RejectedDatagramException {
    Datagram datagram = screened(bytes);
    byte[] signedBytes;
    try {
      signedBytes = Ecies.decrypt(identity, datagram.getSealed().toByteArray());
    } catch (Ecies.InvalidCiphertextException e) {
      throw new RejectedDatagramException(Rejection.UNDECRYPTABLE, e.getMessage());
    }
    SignedEnvelope signed = parse(() -> SignedEnvelope.parseFrom(signedBytes));
    byte[] envelopeBytes = signed.getEnvelope().toByteArray();
    Envelope envelope = parse(() -> Envelope.parseFrom(envelopeBytes));
    if (envelope.getVersion() != VERSION || envelope.getMessageId().size() != 16) {
      throw new RejectedDatagramException(Rejection.MALFORMED, "envelope version or message id");
    }
    Address sender = address(envelope.getSender().toByteArray());
    if (!address(envelope.getRecipient().toByteArray()).equals(address)) {
      throw new RejectedDatagramException(Rejection.WRONG_RECIPIENT, "envelope for someone else");
    }
    Address signer;
    try {
      signer =
          Signature.parse(signed.getSignature().toByteArray())
              .recoverAddress(Keccak.hash(envelopeBytes));
    } catch (IllegalArgumentException | InvalidSignatureException e) {
      throw new RejectedDatagramException(Rejection.BAD_SIGNATURE, String.valueOf(e.getMessage()));
    }
    if (!signer.equals(sender)) {
      throw new RejectedDatagramException(
          Rejection.BAD_SIGNATURE, "signed by " + signer + ", not the sender " + sender);
    }
    if (requireKnownSender && directory.publicKey(sender).isEmpty()) {
      throw new RejectedDatagramException(Rejection.UNKNOWN_SENDER, sender.toString());
    }
    replays.check(sender, envelope.getMessageId().toByteArray(), envelope.getTimestampMillis());
    return new Message(
        sender,
        address,
        envelope.getMessageId().toByteArray(),
        envelope.getTimestampMillis(),
        envelope.getType(),
        envelope.getPayload().toByteArray());
  }

  private static Address address(byte[] bytes) throws RejectedDatagramException {
    if (bytes.length != Address.LENGTH) {
      throw new RejectedDatagramException(
          Rejection.MALFORMED, "address of " + bytes.length + " bytes");
    }
    return Address.of(bytes);
  }

  private interface Parser<T> {
    T parse() throws InvalidProtocolBufferException;
  }

  private static <T> T parse(Parser<T> parser) throws RejectedDatagramException {
    try {
      return parser.parse();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new RejectedDatagramException(
          Rejection.MALFORMED, "undecodable: " + e.getClass().getSimpleName());
    }
  }
}
