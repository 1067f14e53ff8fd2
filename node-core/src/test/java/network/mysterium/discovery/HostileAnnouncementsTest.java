package network.mysterium.discovery;

import static network.mysterium.discovery.ServiceProposalTest.proposal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.chain.ChainFollower;
import network.mysterium.chain.ContractMessages;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.ServiceRegistryContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Keccak;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.proto.SignedProposal;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * What a registered identity can announce through the real ServiceRegistry on anvil, and what the
 * consumer's index makes of it: the registry refuses serials and sizes a proposal cannot have;
 * everything else is followed, and the index refuses each bad proposal by reason while it keeps the
 * good ones (review F1, conformance D15).
 */
@ExtendWith(AnvilExtension.class)
class HostileAnnouncementsTest {
  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private FollowedChain followed;
  private Anvil anvil;
  private EthereumClient client;
  private Deployment deployment;
  private Database database;
  private ChainFollower follower;
  private ProposalIndex index;
  private ServiceRegistryContract services;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    this.anvil = anvil;
    followed = new FollowedChain(anvil, temp.resolve("node.db"));
    client = followed.client;
    deployment = followed.deployment;
    database = followed.database;
    follower = followed.follower;
    services = new ServiceRegistryContract(client, deployment.serviceRegistry());
    index = followed.index(SignedProposals.of(deployment), 1000);
  }

  @AfterEach
  void close() {
    followed.close();
  }

  private PrivateKey registered() throws Exception {
    return followed.identity(true);
  }

  /** A SignedProposal over any inner bytes, signed like a real one. */
  static byte[] signRaw(Deployment deployment, byte[] inner, PrivateKey key) {
    ContractMessages.Domain domain =
        ContractMessages.Domain.serviceRegistry(
            deployment.chainId(), Address.parse(deployment.serviceRegistry()));
    return SignedProposal.newBuilder()
        .setProposal(ByteString.copyFrom(inner))
        .setSignature(
            ByteString.copyFrom(
                ContractMessages.proposal(domain, Keccak.hash(inner)).sign(key).toBytes()))
        .build()
        .toByteArray();
  }

  /** {@code announce(serial, proposal)} with any uint64 serial, sent by the identity itself. */
  private void announceRaw(PrivateKey from, BigInteger serial, byte[] signed) throws Exception {
    client.send(
        ChainAccounts.credentials(from),
        deployment.serviceRegistry(),
        FunctionEncoder.encode(
            new Function(
                "announce", List.of(new Uint64(serial), new DynamicBytes(signed)), List.of())));
  }

  private static String revertOf(ThrowingRunnable call) {
    try {
      call.run();
    } catch (ContractRevertException e) {
      return e.errorName();
    } catch (Exception e) {
      throw new AssertionError("expected a revert, got " + e, e);
    }
    throw new AssertionError("expected a revert, the transaction was mined");
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void theRegistryRefusesSerialsAndSizesNoProposalCanHave() throws Exception {
    PrivateKey p = registered();
    byte[] valid =
        SignedProposals.of(deployment)
            .sign(proposal(p.address(), 1, "DE", "0.001", List.of("udp://203.0.113.1:1")), p);
    BigInteger twoTo63 = BigInteger.ONE.shiftLeft(63);
    BigInteger twoTo64Minus1 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    assertThat(revertOf(() -> announceRaw(p, twoTo63, valid))).isEqualTo("SerialOutOfRange");
    assertThat(revertOf(() -> announceRaw(p, twoTo64Minus1, valid))).isEqualTo("SerialOutOfRange");
    assertThat(revertOf(() -> announceRaw(p, BigInteger.ZERO, valid)))
        .isEqualTo("SerialOutOfRange");
    assertThat(revertOf(() -> services.announce(ChainAccounts.credentials(p), 1, new byte[0])))
        .isEqualTo("ProposalSizeOutOfRange");
    assertThat(revertOf(() -> services.announce(ChainAccounts.credentials(p), 1, new byte[2049])))
        .isEqualTo("ProposalSizeOutOfRange");
    // the bounds themselves are accepted
    announceRaw(p, BigInteger.valueOf(Long.MAX_VALUE), valid);
    services.announce(ChainAccounts.credentials(p), 1, new byte[2048]);
    follower.pollOnce();
    index.sync();
    assertThat(index.rejections())
        .isEqualTo(
            Map.of(
                SignedProposals.Rejection.WRONG_PROVIDER, 1L, // serial differs from the proposal's
                SignedProposals.Rejection.MALFORMED, 1L)); // 2048 zero bytes
  }

  @Test
  void eachBadAnnouncementIsRefusedByReasonAndTheGoodOnesAreKept() throws Exception {
    PrivateKey attacker = registered();
    PrivateKey honest = registered();
    PrivateKey newer = registered();
    PrivateKey mixed = registered();
    SignedProposals signer = SignedProposals.of(deployment);
    var credentials = ChainAccounts.credentials(attacker);
    byte[] attackerOwn =
        proposal(attacker.address(), 1, "FR", "0.001", List.of("udp://203.0.113.1:1")).encode();

    // MALFORMED: not a SignedProposal at all, and the most bytes the registry takes of garbage
    services.announce(credentials, 1, new byte[] {0x0a, (byte) 0xff, 0x01});
    byte[] garbage = new byte[2048];
    random.nextBytes(garbage);
    garbage[0] = (byte) 0xff; // an invalid protobuf tag: never parses by chance
    services.announce(credentials, 1, garbage);
    // INVALID: format version 0, a service type that is not UTF-8, only unknown contact schemes
    var version0 =
        network.mysterium.discovery.proto.ServiceProposal.parseFrom(attackerOwn).toBuilder()
            .setFormatVersion(0)
            .build()
            .toByteArray();
    services.announce(credentials, 1, signRaw(deployment, version0, attacker));
    byte[] badUtf8 = concat(attackerOwn, new byte[] {0x22, 0x02, (byte) 0xc3, 0x28});
    services.announce(credentials, 1, signRaw(deployment, badUtf8, attacker));
    var unknownContacts =
        network.mysterium.discovery.proto.ServiceProposal.parseFrom(attackerOwn).toBuilder()
            .clearContacts()
            .addContacts("quic://203.0.113.1:1")
            .build()
            .toByteArray();
    services.announce(credentials, 1, signRaw(deployment, unknownContacts, attacker));
    // WRONG_PROVIDER: the honest provider's own signed proposal, announced by the attacker; and
    // the attacker's proposal under another serial
    services.announce(
        credentials,
        1,
        signer.sign(
            proposal(honest.address(), 1, "DE", "0.0000001", List.of("udp://1.2.3.4:5")), honest));
    services.announce(credentials, 7, signRaw(deployment, attackerOwn, attacker));

    // kept: a newer format version with a field this node does not know...
    byte[] newerFormat =
        network.mysterium.discovery.proto.ServiceProposal.parseFrom(
                proposal(newer.address(), 1, "DE", "0.002", List.of("udp://203.0.113.2:2"))
                    .encode())
            .toBuilder()
            .setFormatVersion(2)
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        99,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFromUtf8("future"))
                            .build())
                    .build())
            .build()
            .toByteArray();
    byte[] newerSigned = signRaw(deployment, newerFormat, newer);
    services.announce(ChainAccounts.credentials(newer), 1, newerSigned);
    // ...and a proposal whose unknown contact scheme is left out, its udp contact kept
    byte[] mixedContacts =
        network.mysterium.discovery.proto.ServiceProposal.parseFrom(
                proposal(mixed.address(), 1, "DE", "0.003", List.of("udp://203.0.113.3:3"))
                    .encode())
            .toBuilder()
            .addContacts("quic://203.0.113.3:3")
            .build()
            .toByteArray();
    services.announce(
        ChainAccounts.credentials(mixed), 1, signRaw(deployment, mixedContacts, mixed));

    follower.pollOnce();
    assertThat(index.sync()).isEqualTo(2);

    assertThat(index.rejections())
        .isEqualTo(
            Map.of(
                SignedProposals.Rejection.MALFORMED, 2L,
                SignedProposals.Rejection.INVALID, 3L,
                SignedProposals.Rejection.WRONG_PROVIDER, 2L));
    List<ProposalIndex.Listing> found =
        index.search(
            ProposalIndex.Query.of(Optional.of("wireguard"), Optional.of("DE"), 10),
            anvil.blockNumber());
    assertThat(found)
        .extracting(l -> l.proposal().provider())
        .containsExactly(newer.address(), mixed.address());
    assertThat(found.get(0).proposal().formatVersion()).isEqualTo(2);
    assertThat(found.get(0).signedProposal())
        .as("the signed bytes are relayed as the chain carried them, unknown field included")
        .isEqualTo(newerSigned);
    assertThat(found.get(1).proposal().contacts()).containsExactly("udp://203.0.113.3:3");
    assertThatThrownBy(() -> ServiceProposal.decode(unknownContacts))
        .hasMessageContaining("known channel type");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
