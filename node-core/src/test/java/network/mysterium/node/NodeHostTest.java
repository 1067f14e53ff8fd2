package network.mysterium.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.identity.KdfParams;
import network.mysterium.identity.KeystoreV3;
import network.mysterium.money.Myst;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One data directory, the node on it started, switched and stopped: the directory is the host's
 * from open to close (no other node gets in, even while none runs), a key is wiped whatever
 * happens, and subscribers hear each switch once.
 */
class NodeHostTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path temp;

  @Test
  void startsSwitchesAndStopsTheNodeWhileHoldingTheDirectory() throws Exception {
    try (LocalNetwork network =
        LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {})) {
      NodeConfig config = network.nodeConfig(temp.resolve("host")).withKeystoreKdf(KdfParams.LIGHT);
      PrivateKey first = network.newIdentity(Myst.parse("1"), Myst.ZERO);
      Address firstAddress = first.address();
      try (PrivateKey second = network.newIdentity(Myst.parse("1"), Myst.ZERO)) {
        Address secondAddress = second.address();
        List<Optional<Address>> told = new CopyOnWriteArrayList<>();
        try (NodeHost host = NodeHost.open(config)) {
          Subscription subscription = host.subscribe(n -> told.add(n.map(Node::address)));
          assertThat(host.node()).isEmpty();
          assertCode(host::current, NodeException.Code.LOCKED);
          // locked, the directory is still the host's
          assertCode(
              () -> Node.start(config, PrivateKey.generate(RANDOM)),
              NodeException.Code.DATA_DIR_IN_USE);

          Node running = host.run(first);
          assertThat(running.address()).isEqualTo(firstAddress);
          assertThat(host.current()).isSameAs(running);
          // the second identity, imported into the host's keystore, then unlocked by passphrase
          Path file = temp.resolve("second.json");
          Files.writeString(
              file, KeystoreV3.encrypt(second, "two".toCharArray(), KdfParams.LIGHT, RANDOM));
          host.identities().importKeystore(Files.readString(file), "two".toCharArray());
          char[] wrong = "nope".toCharArray();
          assertCode(() -> host.unlock(secondAddress, wrong), NodeException.Code.WRONG_PASSPHRASE);
          assertThat(wrong).containsOnly('\0'); // wiped though refused
          assertThat(host.current()).isSameAs(running); // a refused unlock changes nothing

          Node switched = host.unlock(secondAddress, "two".toCharArray());
          assertThat(switched.address()).isEqualTo(secondAddress);
          assertThat(host.identities().list())
              .filteredOn(NodeIdentities.Row::current)
              .extracting(NodeIdentities.Row::address)
              .containsExactly(secondAddress);
          assertThat(first.isDestroyed()).as("the first node's key, wiped as it stopped").isTrue();

          host.lock();
          assertCode(host::current, NodeException.Code.LOCKED);
          subscription.close();
          host.unlock(secondAddress, "two".toCharArray());
          assertThat(told)
              .containsExactly(
                  Optional.empty(),
                  Optional.of(firstAddress),
                  Optional.of(secondAddress),
                  Optional.empty());
        }
        // closed: the directory is free for a node of its own
        try (Node alone = Node.start(config, network.newIdentity(Myst.parse("1"), Myst.ZERO))) {
          assertThat(alone.dataDir()).isEqualTo(config.dataDir());
        }
      }
    }
  }

  @Test
  void aFixedHostServesItsProgramsNodeAndRefusesToSwitchIt() throws Exception {
    try (LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp.resolve("net"), (k, a) -> {});
        Node node =
            Node.start(
                network.nodeConfig(temp.resolve("app")),
                network.newIdentity(Myst.parse("1"), Myst.ZERO))) {
      NodeHost host = NodeHost.fixed(node);
      assertThat(host.current()).isSameAs(node);
      char[] passphrase = "x".toCharArray();
      assertCode(() -> host.unlock(node.address(), passphrase), NodeException.Code.IDENTITY_FIXED);
      assertThat(passphrase).containsOnly('\0');
      assertCode(host::lock, NodeException.Code.IDENTITY_FIXED);
      host.close(); // the program's node is the program's to stop
      assertThat(node.status()).isNotNull();
      assertThat(host.current()).isSameAs(node);
    }
  }

  private static void assertCode(ThrowingCallable call, NodeException.Code code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
