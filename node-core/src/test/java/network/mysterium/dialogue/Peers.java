package network.mysterium.dialogue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.PublicKeyDirectory;
import network.mysterium.messaging.channel.Channel;

/**
 * Identities for dialogue tests, each with a node (Dialogues) on a channel, and what it received.
 */
final class Peers implements AutoCloseable {
  /** A node under test and the messages its dialogues delivered, in order. */
  record Peer(PrivateKey key, Dialogues dialogues, List<byte[]> received, List<String> closed) {
    Address address() {
      return key.address();
    }

    /** Opens a dialogue with the other peer, ignoring what comes back on it. */
    CompletableFuture<Dialogue> open(Peer other) {
      return dialogues.open(
          other.address(),
          other.dialogues().contact(),
          handler(new ArrayList<>(), new ArrayList<>()));
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> keys = new ConcurrentHashMap<>();
  private final PublicKeyDirectory directory = identity -> Optional.ofNullable(keys.get(identity));
  private final List<Peer> peers = new ArrayList<>();

  Peer start(Channel channel, DialogueConfig config) {
    return start(channel, config, null);
  }

  /** A node whose handler is given (null: record what arrives in the peer's lists). */
  Peer start(Channel channel, DialogueConfig config, Dialogue.Handler given) {
    PrivateKey key = PrivateKey.generate(random);
    keys.put(key.address(), key.publicKey());
    List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
    List<String> closed = Collections.synchronizedList(new ArrayList<>());
    Dialogue.Handler handler = given != null ? given : handler(received, closed);
    Messenger messenger =
        new Messenger(key, directory, true, Duration.ofSeconds(30), Clock.systemUTC(), random);
    Dialogues dialogues = new Dialogues(messenger, channel, config, peer -> handler).start();
    Peer peer = new Peer(key, dialogues, received, closed);
    peers.add(peer);
    return peer;
  }

  static Dialogue.Handler handler(List<byte[]> received, List<String> closed) {
    return new Dialogue.Handler() {
      @Override
      public void onMessage(Dialogue dialogue, byte[] payload) {
        received.add(payload);
      }

      @Override
      public void onClosed(Dialogue dialogue, String reason) {
        closed.add(reason);
      }
    };
  }

  /** Makes a key known to every peer's directory (for a hand-made peer). */
  void register(PrivateKey key) {
    keys.put(key.address(), key.publicKey());
  }

  PublicKeyDirectory directory() {
    return directory;
  }

  @Override
  public void close() {
    for (Peer peer : peers) {
      peer.dialogues().close();
      peer.key().destroy();
    }
  }
}
