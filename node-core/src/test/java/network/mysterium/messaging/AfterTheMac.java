package network.mysterium.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import network.mysterium.chain.ContractMessages;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Ecies;
import network.mysterium.crypto.Keccak;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.SignedProposals;
import network.mysterium.discovery.proto.IndexListing;
import network.mysterium.messaging.proto.Datagram;
import network.mysterium.messaging.proto.DialogueFrame;
import network.mysterium.messaging.proto.DialogueFrames;
import network.mysterium.messaging.proto.SignedEnvelope;

/**
 * What the post-MAC fuzz targets share: two fixed identities (so committed seeds stay valid), a
 * fixed clock (so seeds stay fresh), sealing of any plaintext to the receiver with a real key, and
 * the decoders a message's payload goes through after {@link Messenger#open}.
 */
final class AfterTheMac {
  static final PrivateKey ALICE = key(0x11);
  static final PrivateKey BOB = key(0x22);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T18:00:00Z"), ZoneOffset.UTC);
  static final SecureRandom RANDOM = new SecureRandom();
  static final PublicKeyDirectory KEYS =
      MessengerTest.known(
          Map.of(ALICE.address(), ALICE.publicKey(), BOB.address(), BOB.publicKey()));
  static final SignedProposals PROPOSALS =
      new SignedProposals(
          ContractMessages.Domain.serviceRegistry(
              31337, Address.parse("0x00000000000000000000000000000000000000a2")));

  private AfterTheMac() {}

  private static PrivateKey key(int fill) {
    byte[] secret = new byte[32];
    java.util.Arrays.fill(secret, (byte) fill);
    return PrivateKey.of(secret);
  }

  static Messenger receiver() {
    return new Messenger(BOB, KEYS, true, Duration.ofMinutes(5), CLOCK, RANDOM);
  }

  /** A datagram to BOB whose sealed part is any plaintext, encrypted so it passes the MAC. */
  static byte[] sealed(byte[] plaintext) {
    return Datagram.newBuilder()
        .setVersion(1)
        .setRecipient(ByteString.copyFrom(BOB.address().toBytes()))
        .setSealed(ByteString.copyFrom(Ecies.encrypt(BOB.publicKey(), plaintext, RANDOM)))
        .build()
        .toByteArray();
  }

  /** Any envelope bytes, signed by ALICE as a real sender would. */
  static byte[] signedByAlice(byte[] envelope) {
    return SignedEnvelope.newBuilder()
        .setEnvelope(ByteString.copyFrom(envelope))
        .setSignature(ByteString.copyFrom(ALICE.sign(Keccak.hash(envelope)).toBytes()))
        .build()
        .toByteArray();
  }

  /**
   * Opens the datagram and runs its payload through the dialogue, conversation and proposal
   * decoders: each refuses with its own checked exception, nothing else escapes.
   */
  static void open(Messenger receiver, byte[] datagram) {
    Message message;
    try {
      message = receiver.open(datagram);
    } catch (RejectedDatagramException expected) {
      return;
    }
    try {
      for (DialogueFrame frame : DialogueFrames.parseFrom(message.payload()).getFramesList()) {
        if (frame.hasData()) {
          exchange(frame.getData().getPayload().toByteArray());
        }
      }
    } catch (InvalidProtocolBufferException expected) {
      // a node drops undecodable frames
    }
  }

  private static void exchange(byte[] payload) {
    try {
      Exchange exchange = Exchange.parseFrom(payload);
      for (IndexListing listing : exchange.getIndexResult().getListingsList()) {
        try {
          PROPOSALS.verifySigned(listing.getSignedProposal().toByteArray());
        } catch (SignedProposals.RejectedProposalException expected) {
          // counted as dropped by the asker
        }
      }
    } catch (InvalidProtocolBufferException expected) {
      // counted as malformed by the conversation
    }
  }
}
