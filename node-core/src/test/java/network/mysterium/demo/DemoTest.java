package network.mysterium.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's whole flow, on its own local chain, checked to the base unit. */
class DemoTest {
  @TempDir Path temp;

  @Test
  void theCheapestProviderInTheCountryServesThePageAndIsPaidOnChainExactly() throws Exception {
    List<String> steps = new ArrayList<>();
    Demo.Summary summary;
    try (LocalNetwork network =
        LocalNetwork.start(AnvilExtension.binary(), temp, (key, args) -> steps.add(key))) {
      summary = Demo.run(network, "DE", (key, args) -> steps.add(key));
    }
    assertThat(steps)
        .startsWith("demo.step.chain", "demo.step.deploy")
        .contains("demo.step.connect", "demo.step.fetch", "demo.step.clear");
    // cheapest of the two German providers; the cheaper French one is not in the country asked
    assertThat(summary.candidates()).isEqualTo(2);
    assertThat(summary.chosen().providedFrom().country()).isEqualTo("DE");
    assertThat(summary.chosen().pricePerUnit()).isEqualTo(Myst.parse("0.01"));
    assertThat(summary.bytesFetched()).isEqualTo(Demo.PAGE.length);

    // on chain, to the base unit: the consumer's account lost what it promised; the provider's
    // gained that less the network's fee
    assertThat(summary.consumerBefore().subtract(summary.consumerAfter()))
        .isEqualTo(summary.promised());
    assertThat(summary.providerAfter().subtract(summary.providerBefore()))
        .isEqualTo(summary.promised().subtract(summary.fee()));
    assertThat(summary.fee())
        .isEqualTo(
            summary
                .promised()
                .multiply(BigInteger.valueOf(100))
                .divide(BigInteger.valueOf(10_000)));
    // what was metered was paid for in advance; the rest is the consumer's credit there
    BigInteger minimumCost =
        Myst.parse("0.01")
            .baseUnits()
            .multiply(BigInteger.valueOf(Demo.PAGE.length))
            .divide(BigInteger.valueOf(1_000_000));
    assertThat(summary.meteredCost()).isGreaterThanOrEqualTo(minimumCost);
    assertThat(summary.promised().subtract(summary.meteredCost()))
        .isEqualTo(summary.leftoverCredit())
        .isNotNegative();
  }
}
