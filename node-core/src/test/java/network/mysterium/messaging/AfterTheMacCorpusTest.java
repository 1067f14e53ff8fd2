package network.mysterium.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.crypto.Ecies;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.discovery.proto.IndexListing;
import network.mysterium.discovery.proto.IndexQuery;
import network.mysterium.discovery.proto.IndexResult;
import network.mysterium.messaging.proto.Close;
import network.mysterium.messaging.proto.Data;
import network.mysterium.messaging.proto.Datagram;
import network.mysterium.messaging.proto.DialogueFrame;
import network.mysterium.messaging.proto.DialogueFrames;
import network.mysterium.messaging.proto.Establish;
import network.mysterium.messaging.proto.SignedEnvelope;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;

/**
 * The post-MAC fuzz targets' seed corpora: real messages sealed by a real {@link Messenger} (a
 * dialogue's establish, an index query and an index result with a signed proposal, a close), as the
 * plaintext behind the MAC and as the envelope inside it. With {@code -Dfuzz.corpus.write=true}
 * they are written under src/test/resources; without, every committed seed must open to a message,
 * so the corpus keeps reaching past the MAC and the signature.
 */
class AfterTheMacCorpusTest {
  private static final String PLAINTEXTS = "network/mysterium/messaging/AfterTheMacFuzzTestInputs/";
  private static final String ENVELOPES =
      "network/mysterium/messaging/SignedEnvelopeFuzzTestInputs/";

  @Test
  void seedsAreRealMessagesThatOpen() throws Exception {
    if (Boolean.getBoolean("fuzz.corpus.write")) {
      write();
    }
    List<byte[]> plaintexts = read(PLAINTEXTS + "anyPlaintextPastTheMacIsOpenedOrRefused");
    List<byte[]> envelopes = read(ENVELOPES + "anyEnvelopeOfAKnownSenderIsOpenedOrRefused");
    assertThat(plaintexts).hasSizeGreaterThanOrEqualTo(4);
    assertThat(envelopes).hasSameSizeAs(plaintexts);
    Messenger receiver = AfterTheMac.receiver();
    for (byte[] plaintext : plaintexts) {
      assertThat(receiver.open(AfterTheMac.sealed(plaintext)).sender())
          .isEqualTo(AfterTheMac.ALICE.address());
    }
    Messenger another = AfterTheMac.receiver(); // a fresh replay guard: the same ids again
    for (byte[] envelope : envelopes) {
      assertThat(
              another
                  .open(AfterTheMac.sealed(AfterTheMac.signedByAlice(envelope)))
                  .payload()
                  .length)
          .isPositive();
    }
  }

  private static Path resources() {
    return Path.of(System.getProperty("mysterium.root.dir", ".."))
        .resolve("node-core/src/test/resources");
  }

  private static List<byte[]> read(String dir) throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    try (var files = Files.list(resources().resolve(dir))) {
      for (Path file : files.sorted().toList()) {
        seeds.add(Files.readAllBytes(file));
      }
    }
    return seeds;
  }

  private static void write() throws Exception {
    Messenger sender =
        new Messenger(
            AfterTheMac.ALICE,
            AfterTheMac.KEYS,
            true,
            java.time.Duration.ofMinutes(5),
            AfterTheMac.CLOCK,
            AfterTheMac.RANDOM);
    byte[] id = new byte[16];
    AfterTheMac.RANDOM.nextBytes(id);
    ServiceProposal proposal =
        new ServiceProposal(
            ServiceProposal.FORMAT_VERSION,
            AfterTheMac.ALICE.address(),
            1,
            "wireguard",
            new ServiceProposal.Place("DE", 3320),
            new ServiceProposal.Place("DE", 3320),
            50_000,
            ServiceProposal.Metering.PER_MEGABYTE,
            Myst.parse("0.001"),
            List.of("udp://203.0.113.7:5000"));
    byte[] signed = AfterTheMac.PROPOSALS.sign(proposal, AfterTheMac.ALICE);
    List<DialogueFrame> payloads =
        List.of(
            DialogueFrame.newBuilder().setEstablish(Establish.getDefaultInstance()).build(),
            data(
                1,
                Exchange.newBuilder()
                    .setCorrelationId(1)
                    .setIndexQuery(IndexQuery.newBuilder().setServiceType("wireguard").setLimit(4))
                    .build()),
            data(
                2,
                Exchange.newBuilder()
                    .setCorrelationId(1)
                    .setResponse(true)
                    .setIndexResult(
                        IndexResult.newBuilder()
                            .setHeadBlock(100)
                            .addListings(
                                IndexListing.newBuilder()
                                    .setSignedProposal(ByteString.copyFrom(signed))
                                    .setAnnouncedBlock(90)))
                    .build()),
            DialogueFrame.newBuilder().setClose(Close.newBuilder().setReason("done")).build());
    for (int i = 0; i < payloads.size(); i++) {
      byte[] payload =
          DialogueFrames.newBuilder()
              .setDialogueId(ByteString.copyFrom(id))
              .addFrames(payloads.get(i))
              .build()
              .toByteArray();
      byte[] datagram = sender.seal(AfterTheMac.BOB.address(), "dialogue", payload);
      byte[] plaintext =
          Ecies.decrypt(AfterTheMac.BOB, Datagram.parseFrom(datagram).getSealed().toByteArray());
      byte[] envelope = SignedEnvelope.parseFrom(plaintext).getEnvelope().toByteArray();
      for (String target :
          List.of(
              PLAINTEXTS + "anyPlaintextPastTheMacIsOpenedOrRefused",
              PLAINTEXTS + "anyPlaintextPastTheMacIsOpenedOrRefusedLong")) {
        save(target, i, plaintext);
      }
      for (String target :
          List.of(
              ENVELOPES + "anyEnvelopeOfAKnownSenderIsOpenedOrRefused",
              ENVELOPES + "anyEnvelopeOfAKnownSenderIsOpenedOrRefusedLong")) {
        save(target, i, envelope);
      }
    }
  }

  private static DialogueFrame data(long sequence, Exchange exchange) {
    return DialogueFrame.newBuilder()
        .setData(Data.newBuilder().setSequence(sequence).setPayload(exchange.toByteString()))
        .build();
  }

  private static void save(String dir, int index, byte[] seed) throws Exception {
    Path directory = resources().resolve(dir);
    Files.createDirectories(directory);
    Files.write(directory.resolve(String.format("seed-%02d", index)), seed);
  }
}
