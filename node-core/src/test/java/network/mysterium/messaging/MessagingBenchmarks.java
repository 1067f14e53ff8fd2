package network.mysterium.messaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the messaging JMH benchmarks: {@code ./mvnw -pl node-core -am test -Pbenchmarks
 * -Dtest=MessagingBenchmarks -Dsurefire.failIfNoSpecifiedTests=false}. In-process (no fork):
 * surefire's class path is not one a forked JMH JVM can rebuild.
 */
@Tag("benchmark")
class MessagingBenchmarks {
  @Test
  void sealAndOpen() throws Exception {
    new Runner(
            new OptionsBuilder()
                .include(SealOpenBenchmark.class.getName())
                .forks(0)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .build())
        .run();
  }
}
