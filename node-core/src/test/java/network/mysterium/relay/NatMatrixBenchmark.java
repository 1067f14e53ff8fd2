package network.mysterium.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.net.lab.Host;
import network.mysterium.net.lab.Nat;
import network.mysterium.net.lab.NatMatrix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The NAT matrix, measured (issue 19, part 5): for every cell (consumer NAT x provider NAT, and a
 * provider with a public address) {@code nat.tries} fresh consumers (each its own identity and
 * socket behind the same router) open a dialogue: whether it connects, the path it ends on, the
 * time to open and to reach that path, and the goodput of {@code nat.blast} 800-byte messages (a
 * dialogue message holds at most 823) on it against the public provider's (a direct path with no
 * NAT) for the same consumer, in the same run. Run with {@code ./mvnw -pl node-core test
 * -Pbenchmarks -Dtest=NatMatrixBenchmark}; the table goes to {@code target/nat-matrix.md}.
 */
@Tag("benchmark")
class NatMatrixBenchmark {
  private static final int RELAY_PORT = 7000;
  private static final int TRIES = Integer.getInteger("nat.tries", 20);
  private static final int BLAST = Integer.getInteger("nat.blast", 20_000);
  private static final int BLAST_TRIES = Integer.getInteger("nat.blastTries", 3);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One cell's tries. */
  private record Cell(
      List<Boolean> ok,
      List<Boolean> direct,
      List<Long> openMs,
      List<Long> pathMs,
      List<Double> mbps) {
    Cell() {
      this(
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>());
    }
  }

  private static <T extends Comparable<T>> T median(List<T> values) {
    List<T> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  @Test
  void everyCellTriedAndMeasured() throws Exception {
    long began = System.nanoTime();
    try (NatMatrix matrix = NatMatrix.create()) {
      Host relayHost = matrix.relay();
      String relayIp = relayHost.address().getHostAddress();
      LabProcess relayPeer =
          LabProcess.start(relayHost, "relay", relayIp, Integer.toString(RELAY_PORT));
      assertThat(relayPeer.next(Duration.ofSeconds(30))).startsWith("ready ");

      List<Nat> providerKinds = new ArrayList<>(List.of(Nat.values()));
      providerKinds.add(null); // the public provider
      List<PrivateKey> all = new ArrayList<>();
      Map<Nat, List<PrivateKey>> consumerKeys = new EnumMap<>(Nat.class);
      for (Nat nat : Nat.values()) {
        List<PrivateKey> keys = new ArrayList<>();
        for (int t = 0; t < TRIES; t++) {
          keys.add(PrivateKey.generate(RANDOM));
        }
        consumerKeys.put(nat, keys);
        all.addAll(keys);
      }
      Map<Nat, PrivateKey> providerKeys = new HashMap<>();
      for (Nat nat : providerKinds) {
        providerKeys.put(nat, PrivateKey.generate(RANDOM));
        all.add(providerKeys.get(nat));
      }
      Map<Nat, String> contacts = new HashMap<>();
      for (Nat nat : providerKinds) {
        Host host = nat == null ? matrix.publicProvider() : matrix.provider(nat);
        LabProcess provider = LabProcess.start(host, "provider", relayIp + ":" + RELAY_PORT);
        LabProcess.keys(provider, providerKeys.get(nat), all);
        String[] registered = provider.next(Duration.ofSeconds(60)).split(" ");
        contacts.put(
            nat,
            nat == null
                ? "udp://" + host.address().getHostAddress() + ":" + registered[7]
                : registered[1]);
      }
      Map<Nat, LabProcess> consumers = new EnumMap<>(Nat.class);
      for (Nat nat : Nat.values()) {
        LabProcess consumer = LabProcess.start(matrix.consumer(nat), "consumer");
        LabProcess.keys(consumer, consumerKeys.get(nat), all);
        assertThat(consumer.next(Duration.ofSeconds(60))).isEqualTo("ready");
        consumers.put(nat, consumer);
      }

      Map<String, Cell> cells = new HashMap<>();
      for (int t = 0; t < TRIES; t++) {
        for (Nat consumerNat : Nat.values()) {
          for (Nat providerNat : providerKinds) {
            Cell cell = cells.computeIfAbsent(name(consumerNat, providerNat), k -> new Cell());
            int blast = t < BLAST_TRIES ? BLAST : 0;
            consumers
                .get(consumerNat)
                .tell(
                    "open %s %s 5 %d %d"
                        .formatted(
                            providerKeys.get(providerNat).address(),
                            contacts.get(providerNat),
                            t,
                            blast));
            String line = consumers.get(consumerNat).next(Duration.ofSeconds(180));
            String[] w = line.split(" ");
            boolean ok = w[0].equals("ok");
            cell.ok().add(ok);
            if (!ok) {
              System.out.println(name(consumerNat, providerNat) + ", try " + t + ": " + line);
              continue;
            }
            // ok <address> opened-ms N path <contact> path-ms N [goodput-mbps G] echoed N
            cell.direct()
                .add(!Contact.parse(w[5]).address().getAddress().getHostAddress().equals(relayIp));
            cell.openMs().add(Long.parseLong(w[3]));
            cell.pathMs().add(Long.parseLong(w[7]));
            if (w[8].equals("goodput-mbps")) {
              cell.mbps().add(Double.parseDouble(w[9]));
            }
          }
        }
      }
      String table = table(cells, providerKinds, (System.nanoTime() - began) / 1_000_000_000L);
      Path out = Path.of("target", "nat-matrix.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, table, StandardCharsets.UTF_8);
      System.out.println(table);
      for (PrivateKey key : all) {
        key.destroy();
      }
      for (Cell cell : cells.values()) {
        assertThat(cell.ok()).as("every try connects").doesNotContain(false);
      }
    }
  }

  private static String name(Nat consumer, Nat provider) {
    return abbreviation(consumer) + " -> " + abbreviation(provider);
  }

  private static String abbreviation(Nat nat) {
    return nat == null ? "public" : nat.abbreviation();
  }

  private static String table(Map<String, Cell> cells, List<Nat> providerKinds, long seconds)
      throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("| consumer -> provider | connected | path (direct/relayed) | expected | open ms | ")
        .append("final path ms | goodput Mbit/s | vs public provider |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Nat consumerNat : Nat.values()) {
      Cell reference = cells.get(name(consumerNat, null));
      double base = reference.mbps().isEmpty() ? Double.NaN : median(reference.mbps());
      for (Nat providerNat : providerKinds) {
        Cell c = cells.get(name(consumerNat, providerNat));
        long connected = c.ok().stream().filter(x -> x).count();
        long direct = c.direct().stream().filter(x -> x).count();
        double mbps = c.mbps().isEmpty() ? Double.NaN : median(c.mbps());
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d/%d | %d/%d | %s | %d | %d | %.1f | %.2f |%n",
                name(consumerNat, providerNat),
                connected,
                c.ok().size(),
                direct,
                c.direct().size() - direct,
                RelayNatTest.expected(consumerNat, providerNat).name().toLowerCase(Locale.ROOT),
                c.openMs().isEmpty() ? -1 : median(c.openMs()),
                c.pathMs().isEmpty() ? -1 : median(c.pathMs()),
                mbps,
                mbps / base));
      }
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n%d tries per cell, goodput the median of the first %d (%d messages of 800 bytes"
                + " each), %d s in all.%n",
            TRIES,
            BLAST_TRIES,
            BLAST,
            seconds));
    return b.toString();
  }
}
