package network.mysterium.relay;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Hex;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.channel.UdpChannel;

/**
 * A process of the NAT tests, run in a namespace: {@code relay IP PORT} serves a relay; {@code
 * provider RELAY_IP:PORT} registers with it and echoes what its dialogues receive; {@code consumer}
 * opens dialogues when told. Keys come on standard input (never a command line): its own private
 * key, then the public keys it should know, then a blank line; a consumer then reads {@code open
 * ADDRESS CONTACT COUNT} lines. What the test reads is printed on lines starting {@code LAB }.
 */
public final class RelayLabPeer {
  private static final DialogueConfig CONFIG =
      new DialogueConfig(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5), 256);

  private RelayLabPeer() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    switch (args[0]) {
      case "relay" -> {
        InetSocketAddress at =
            new InetSocketAddress(InetAddress.ofLiteral(args[1]), Integer.parseInt(args[2]));
        try (RelayServer relay =
            RelayServer.start(at, at, identity -> true, RelayServer.Limits.DEFAULT)) {
          say("ready " + relay.address());
          while (in.readLine() != null) {
            // until the test closes standard input, or ends the process
          }
        }
      }
      case "provider" -> provider(in, parse(args[1]));
      case "consumer" -> consumer(in);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        InetAddress.ofLiteral(hostPort.substring(0, colon)),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static void say(String line) {
    System.out.println("LAB " + line);
    System.out.flush();
  }

  private static PrivateKey keys(BufferedReader in, Map<Address, PublicKey> known)
      throws Exception {
    PrivateKey own = PrivateKey.of(Hex.decode(in.readLine().strip()));
    known.put(own.address(), own.publicKey());
    for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
      PublicKey key = PublicKey.parse(Hex.decode(line.strip()));
      known.put(key.address(), key);
    }
    return own;
  }

  private static Dialogues dialogues(
      PrivateKey key, Map<Address, PublicKey> known, Channel channel, Dialogues.Acceptor acceptor) {
    Messenger messenger =
        new Messenger(
            key,
            identity -> Optional.ofNullable(known.get(identity)),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            new SecureRandom());
    return new Dialogues(messenger, channel, CONFIG, acceptor).start();
  }

  private static void provider(BufferedReader in, InetSocketAddress relay) throws Exception {
    Map<Address, PublicKey> known = new ConcurrentHashMap<>();
    PrivateKey key = keys(in, known);
    UdpChannel udp = UdpChannel.bind(new InetSocketAddress("0.0.0.0", 0));
    RelayedChannel channel =
        new RelayedChannel(udp, key, java.util.List.of(relay), Duration.ofSeconds(5));
    // as a node does: punches name the mapped address while the relay sees a NAT in between
    PunchingChannel punching =
        new PunchingChannel(
            channel,
            () ->
                Reachability.of(Optional.of(channel)).kind() == Reachability.Kind.THROUGH_RELAY
                    ? channel.first().map(RelayedChannel.Registration::observed)
                    : Optional.empty());
    ExecutorService echo = Executors.newSingleThreadExecutor();
    try (Dialogues node =
        dialogues(
            key,
            known,
            punching,
            peer ->
                new Dialogue.Handler() {
                  @Override
                  public void onMessage(Dialogue dialogue, byte[] payload) {
                    if (payload.length != 4) {
                      return; // a benchmark's bulk: counted by its acknowledgements only
                    }
                    echo.execute(
                        () -> {
                          try {
                            dialogue.send(payload).get(10, TimeUnit.SECONDS);
                          } catch (Exception e) {
                            say("echo-failed " + e);
                          }
                        });
                  }

                  @Override
                  public void onClosed(Dialogue dialogue, String reason) {}
                })) {
      punching.onDirectPath(node::movePath);
      RelayedChannel.Registration registration =
          channel.registrations().getFirst().get(20, TimeUnit.SECONDS);
      Reachability reached = Reachability.of(Optional.of(channel));
      say(
          "registered "
              + registration.allocation()
              + " observed "
              + registration.observed().getAddress().getHostAddress()
              + ":"
              + registration.observed().getPort()
              + " kind "
              + reached.kind()
              + " port "
              + udp.localContact().address().getPort());
      while (in.readLine() != null) {
        // serve until told to stop
      }
    } finally {
      echo.shutdownNow();
    }
  }

  /**
   * A consumer: its first key line may hold several keys (comma-separated), one consumer each with
   * a socket of its own, so every try of a benchmark is a fresh consumer behind the same router.
   * {@code open ADDRESS CONTACT COUNT [CONSUMER BLAST]}: COUNT echoed messages, then BLAST
   * one-kilobyte messages on the path the dialogue ended on, timed until all are acknowledged.
   */
  private static void consumer(BufferedReader in) throws Exception {
    Map<Address, PublicKey> known = new ConcurrentHashMap<>();
    String[] own = in.readLine().strip().split(",");
    for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
      PublicKey key = PublicKey.parse(Hex.decode(line.strip()));
      known.put(key.address(), key);
    }
    Dialogues[] nodes = new Dialogues[own.length];
    for (int i = 0; i < own.length; i++) {
      PrivateKey key = PrivateKey.of(Hex.decode(own[i]));
      known.put(key.address(), key.publicKey());
      PunchingChannel punching =
          new PunchingChannel(
              UdpChannel.bind(new InetSocketAddress("0.0.0.0", 0)), Optional::empty);
      nodes[i] = dialogues(key, known, punching, peer -> null);
      punching.onDirectPath(nodes[i]::movePath);
    }
    try {
      say("ready");
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.strip().split(" ");
        if (words.length < 4 || !words[0].equals("open")) {
          continue;
        }
        int which = words.length > 4 ? Integer.parseInt(words[4]) : 0;
        int blast = words.length > 5 ? Integer.parseInt(words[5]) : 0;
        try {
          say(
              open(
                  nodes[which],
                  Address.parse(words[1]),
                  Contact.parse(words[2]),
                  Integer.parseInt(words[3]),
                  blast));
        } catch (Exception e) {
          say("failed " + words[1] + " " + e);
        }
      }
    } finally {
      for (Dialogues node : nodes) {
        node.close();
      }
    }
  }

  private static String open(
      Dialogues node, Address provider, Contact contact, int count, int blast) throws Exception {
    long start = System.nanoTime();
    CountDownLatch echoes = new CountDownLatch(2 * count);
    Dialogue dialogue =
        node.open(
                provider,
                contact,
                new Dialogue.Handler() {
                  @Override
                  public void onMessage(Dialogue dialogue, byte[] payload) {
                    echoes.countDown();
                  }

                  @Override
                  public void onClosed(Dialogue dialogue, String reason) {}
                })
            .get(15, TimeUnit.SECONDS);
    long opened = System.nanoTime();
    for (int i = 0; i < count; i++) {
      dialogue.send(ByteBuffer.allocate(4).putInt(i).array()).get(10, TimeUnit.SECONDS);
    }
    // a punch is over within its rounds (about 4 s): wait for the move or for that long
    long settled = opened + TimeUnit.SECONDS.toNanos(6);
    while (dialogue.contact().equals(dialogue.origin()) && System.nanoTime() < settled) {
      Thread.sleep(10);
    }
    boolean stayed = dialogue.contact().equals(dialogue.origin());
    long onPath = stayed ? opened : System.nanoTime(); // when the final path carried it
    for (int i = 0; i < count; i++) { // the path it ended on carries the second half
      dialogue.send(ByteBuffer.allocate(4).putInt(i).array()).get(10, TimeUnit.SECONDS);
    }
    boolean all = echoes.await(15, TimeUnit.SECONDS);
    String goodput = "";
    if (blast > 0) {
      long began = System.nanoTime();
      java.util.List<java.util.concurrent.CompletableFuture<Void>> sent =
          new java.util.ArrayList<>(blast);
      byte[] bulk = new byte[800]; // not echoed: only four-byte messages are
      for (int i = 0; i < blast; i++) {
        java.util.concurrent.CompletableFuture<Void> one;
        do { // a full window refuses at once; waiting for room is what an application does
          one = dialogue.send(bulk);
        } while (one.isCompletedExceptionally()
            && one.exceptionNow() instanceof network.mysterium.dialogue.DialogueBusyException);
        sent.add(one);
      }
      java.util.concurrent.CompletableFuture.allOf(
              sent.toArray(java.util.concurrent.CompletableFuture[]::new))
          .get(120, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - began) / 1e9;
      goodput =
          String.format(java.util.Locale.ROOT, " goodput-mbps %.1f", blast * 800 * 8e-6 / seconds);
    }
    dialogue.close();
    return (all ? "ok " : "failed ")
        + provider
        + " opened-ms "
        + (opened - start) / 1_000_000
        + " path "
        + dialogue.contact()
        + " path-ms "
        + (onPath - start) / 1_000_000
        + goodput
        + " echoed "
        + (2 * count - echoes.getCount());
  }
}
