package network.mysterium.dialogue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.channel.UdpChannel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Dialogue establishment time and acknowledged messages per second through one dialogue, over real
 * UDP on loopback, without loss and through the 30 %-loss proxy. Medians of several runs after a
 * warm-up. {@code ./mvnw -pl node-core -am test -Pbenchmarks -Dtest=DialogueBenchmarks
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class DialogueBenchmarks {
  private static final DialogueConfig CONFIG =
      new DialogueConfig(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5), 256);
  private static final int MESSAGES = 20_000;

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  @Test
  void establishmentAndThroughput() throws Exception {
    try (Peers peers = new Peers()) {
      Peers.Peer alice = peers.start(UdpChannel.bind(loopback()), CONFIG);
      Peers.Peer bob = peers.start(UdpChannel.bind(loopback()), CONFIG);
      List<Double> establish = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        long t0 = System.nanoTime();
        alice.open(bob).get(5, TimeUnit.SECONDS);
        if (i >= 10) { // the first ones warm the JIT
          establish.add((System.nanoTime() - t0) / 1e6);
        }
      }
      List<Double> clean = new ArrayList<>();
      for (int run = 0; run < 5; run++) {
        clean.add(throughput(alice, bob, bob.dialogues().contact()));
      }
      List<Double> lossy = new ArrayList<>();
      try (UdpImpairmentProxy proxy =
          new UdpImpairmentProxy(bob.dialogues().contact().address(), 0.30, 0.10, 8)) {
        for (int run = 0; run < 3; run++) {
          lossy.add(throughput(alice, bob, new Contact("udp", proxy.facingA())));
        }
      }
      System.out.printf(
          "BENCHMARK dialogue: establishment median %.2f ms (p90 %.2f ms, %d runs); acknowledged"
              + " messages/s one way, 16-byte messages: no loss median %.0f (runs %s); 30%% loss +"
              + " 10%% duplication + reordering median %.0f (runs %s)%n",
          median(establish),
          percentile(establish, 0.9),
          establish.size(),
          median(clean),
          rounded(clean),
          median(lossy),
          rounded(lossy));
    }
  }

  private static double throughput(Peers.Peer alice, Peers.Peer bob, Contact contact)
      throws Exception {
    Dialogue dialogue =
        alice
            .dialogues()
            .open(bob.address(), contact, Peers.handler(new ArrayList<>(), new ArrayList<>()))
            .get(5, TimeUnit.SECONDS);
    byte[] message = new byte[16];
    long t0 = System.nanoTime();
    CompletableFuture<Void> last = null;
    for (int i = 0; i < MESSAGES; i++) {
      last = dialogue.send(message);
    }
    last.get(120, TimeUnit.SECONDS);
    return MESSAGES / ((System.nanoTime() - t0) / 1e9);
  }

  private static double median(List<Double> values) {
    return percentile(values, 0.5);
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }

  private static List<Long> rounded(List<Double> values) {
    return values.stream().map(Math::round).toList();
  }
}
