package network.mysterium.demo;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.mysterium.consumer.ConsumerNode;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ProposalIndex;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.Rejection;
import network.mysterium.messaging.RejectionCounters;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ClearingPolicy;
import network.mysterium.provider.ProviderNode;
import network.mysterium.session.ConsumerSession;
import network.mysterium.session.SessionEvents;
import network.mysterium.store.Database;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider's messaging port under a flood from 127.0.0.2 (a process of its own, {@link Flooder})
 * while fresh consumers on 127.0.0.1 connect and download through it: connect to first byte and
 * throughput against the same run without flood, and the CPU the flood costs the node's process.
 * Floods: random bytes (refused by the screen), datagrams that pass the screen but not the MAC (an
 * ECDH each, up to the per-source rate), and one valid datagram replayed (ECDH, MAC, signature,
 * then the replay guard); and, as the reference for what CPU contention alone costs on a small
 * machine, a process that only burns about as much CPU as a flood takes. {@code ./mvnw -pl
 * node-core -am test -Pbenchmarks -Dtest=FloodBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class FloodBenchmark {
  private static final int BULK = 32 * 1024 * 1024;
  private static final long RATE = Long.getLong("flood.rate", 200_000);

  /** What a flood took in the last measured runs: the flooder ~0.85 cores, the node ~0.55. */
  private static final double BUSY_CORES =
      Double.parseDouble(System.getProperty("flood.busyCores", "1.4"));

  private static final int CONNECTS = Integer.getInteger("flood.consumers", 9);
  @TempDir Path temp;

  private enum Flood {
    NONE,
    /** No flood, but a process burning as much CPU as a flood costs (flooder and node). */
    BUSY,
    RANDOM,
    TAMPERED,
    REPLAYED
  }

  @Test
  void connectAndThroughputUnderFlood() throws Exception {
    try (LoopbackWeb web = new LoopbackWeb(BULK);
        LocalNetwork network =
            LocalNetwork.start(AnvilExtension.binary(), temp, (key, args) -> {});
        PrivateKey providerKey = network.newIdentity(Myst.parse("0"), Myst.parse("0"));
        Database providerDb = Database.open(temp.resolve("provider.db"));
        ProviderNode provider =
            network.startProvider(
                new LocalNetwork.ProviderSpec("DE", 3320, "0.0001"),
                SessionEvents.none(),
                ClearingPolicy.defaults(),
                providerKey,
                providerDb,
                Contact.parse("udp://127.0.0.1:0"))) {
      int port = provider.contact().address().getPort();
      PrivateKey sender = network.newIdentity(Myst.parse("1"), Myst.parse("1"));
      Path random = temp.resolve("random.bin");
      Path tampered = temp.resolve("tampered.bin");
      Path replayed = temp.resolve("replayed.bin");
      datagrams(sender, providerKey, random, tampered);
      StringBuilder report = new StringBuilder();
      List<Flood> order =
          List.of(Flood.NONE, Flood.BUSY, Flood.RANDOM, Flood.TAMPERED, Flood.REPLAYED, Flood.NONE);
      for (Flood flood : order) {
        if (flood == Flood.REPLAYED) {
          // captured now, so it is inside the freshness window while it is replayed
          write(
              replayed,
              List.of(
                  sealer(sender, providerKey)
                      .seal(providerKey.address(), "dialogue", new byte[200])));
        }
        Path file =
            switch (flood) {
              case NONE, BUSY -> null;
              case RANDOM -> random;
              case TAMPERED -> tampered;
              case REPLAYED -> replayed;
            };
        report.append(phase(network, web, provider, flood, file, port)).append('\n');
      }
      System.out.print(report);
      System.out.println(
          "BENCHMARK flood machine load average (1, 5, 15 min): "
              + Files.readString(Path.of("/proc/loadavg")).strip());
    }
  }

  /** Fresh consumers connect and download, with the flood on; then the flood's CPU cost idle. */
  private String phase(
      LocalNetwork network,
      LoopbackWeb web,
      ProviderNode provider,
      Flood flood,
      Path file,
      int port)
      throws Exception {
    List<Double> connectMs = new ArrayList<>();
    List<Double> throughput = new ArrayList<>();
    List<PrivateKey> consumers = new ArrayList<>();
    for (int i = 0; i < CONNECTS; i++) {
      consumers.add(network.newIdentity(Myst.parse("10"), Myst.parse("10")));
    }
    RejectionCounters counters = provider.datagramRejections();
    long[] before = snapshot(counters);
    Process flooder =
        flood == Flood.BUSY
            ? startFlooder("busy", Double.toString(BUSY_CORES))
            : file == null
                ? null
                : startFlooder(Integer.toString(port), Long.toString(RATE), file.toString());
    String sent = "-";
    double nodeCpuFlood;
    double nodeCpuIdle;
    try {
      for (int i = 0; i < CONNECTS; i++) {
        Path db = temp.resolve("consumer-" + flood + "-" + i + ".db");
        try (PrivateKey key = consumers.get(i);
            Database database = Database.open(db);
            ConsumerNode node =
                ConsumerNode.start(
                    key,
                    database,
                    network.client(),
                    network.deployment(),
                    Contact.parse("udp://127.0.0.1:0"))) {
          List<ProposalIndex.Listing> found =
              node.search(ProposalIndex.Query.of(Optional.of("socks5"), Optional.empty(), 10));
          long t0 = System.nanoTime();
          try (ConsumerSession session = SessionBenchmark.connect(node, found)) {
            web.fetch(session.socksAddress(), "/small", true);
            connectMs.add((System.nanoTime() - t0) / 1e6);
            throughput.add(
                LoopbackWeb.megabytesPerSecond(
                    () -> web.fetch(session.socksAddress(), "/bulk", false)));
          }
        }
      }
      nodeCpuFlood = cpuCoresOver(Duration.ofSeconds(5));
    } finally {
      if (flooder != null) {
        flooder.getOutputStream().close(); // the flooder stops when its input closes
        try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(flooder.getInputStream(), StandardCharsets.UTF_8))) {
          sent = String.valueOf(out.readLine());
        }
        flooder.waitFor();
        flooder.destroyForcibly();
      }
    }
    nodeCpuIdle = cpuCoresOver(Duration.ofSeconds(5));
    long[] after = snapshot(counters);
    StringBuilder refused = new StringBuilder();
    for (Rejection r : Rejection.values()) {
      long n = after[r.ordinal()] - before[r.ordinal()];
      if (n > 0) {
        refused.append(' ').append(r).append('=').append(n);
      }
    }
    return String.format(
        "BENCHMARK flood %-8s at %d/s: connect to first byte median %.1f ms (max %.1f), bulk %d MiB"
            + " median %.0f MB/s (%d fresh consumers); node process %.2f cores with the flood on"
            + " and nothing else running, %.2f cores after it; flooder %s;"
            + " refused:%s",
        flood,
        flood == Flood.NONE || flood == Flood.BUSY ? 0 : RATE,
        LoopbackWeb.median(connectMs),
        connectMs.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        BULK / (1024 * 1024),
        LoopbackWeb.median(throughput),
        CONNECTS,
        nodeCpuFlood,
        nodeCpuIdle,
        sent,
        refused);
  }

  private static long[] snapshot(RejectionCounters counters) {
    long[] counts = new long[Rejection.values().length];
    for (Rejection r : Rejection.values()) {
      counts[r.ordinal()] = counters.get(r);
    }
    return counts;
  }

  /** The node process's CPU use over a period, in cores (1.0 = one core busy). */
  private static double cpuCoresOver(Duration period) throws InterruptedException {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Thread.sleep(period); // a measuring window, not a wait for a condition
    return (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0);
  }

  private Process startFlooder(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Flooder.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * Writes two floods: random bytes; and valid datagrams to the provider with one byte of their
   * ciphertext flipped (framing and recipient right, MAC wrong).
   */
  private static Messenger sealer(PrivateKey sender, PrivateKey provider) {
    return new Messenger(
        sender,
        identity ->
            identity.equals(provider.address())
                ? Optional.of(provider.publicKey())
                : Optional.empty(),
        false,
        Duration.ofMinutes(5),
        Clock.systemUTC(),
        new SecureRandom());
  }

  private static void datagrams(PrivateKey sender, PrivateKey provider, Path random, Path tampered)
      throws Exception {
    SecureRandom rng = new SecureRandom();
    Messenger messenger = sealer(sender, provider);
    byte[] payload = new byte[200];
    rng.nextBytes(payload);
    List<byte[]> randoms = new ArrayList<>();
    List<byte[]> tampereds = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      byte[] r = new byte[300];
      rng.nextBytes(r);
      randoms.add(r);
      byte[] t = messenger.seal(provider.address(), "dialogue", payload);
      t[t.length - 1] ^= 1;
      tampereds.add(t);
    }
    write(random, randoms);
    write(tampered, tampereds);
  }

  private static void write(Path file, List<byte[]> datagrams) throws Exception {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      for (byte[] d : datagrams) {
        out.writeShort(d.length);
        out.write(d);
      }
    }
  }
}
