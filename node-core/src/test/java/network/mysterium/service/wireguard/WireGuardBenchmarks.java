package network.mysterium.service.wireguard;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the WireGuard JMH benchmarks: {@code ./mvnw -pl node-core -am test -Pbenchmarks
 * -Dtest=WireGuardBenchmarks -Dsurefire.failIfNoSpecifiedTests=false}. In-process (no fork), as the
 * other JMH runs here. The whole path (iperf3 through the tunnel) is {@code scripts/bench-tunnel}.
 */
@Tag("benchmark")
class WireGuardBenchmarks {
  @Test
  void transportAndHandshake() throws Exception {
    new Runner(
            new OptionsBuilder()
                .include(TransportBenchmark.class.getName())
                .forks(0)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .build())
        .run();
  }
}
