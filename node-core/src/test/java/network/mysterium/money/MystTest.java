package network.mysterium.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class MystTest {
  @Test
  void parsesAndPrintsExactly() {
    assertThat(Myst.parse("12.5").baseUnits()).isEqualTo(new BigInteger("12500000000000000000"));
    assertThat(Myst.parse("0.000000000000000001").baseUnits()).isEqualTo(BigInteger.ONE);
    assertThat(Myst.parse("1000").toPlainString()).isEqualTo("1000");
    assertThat(Myst.ofBaseUnits(BigInteger.ONE).toString()).isEqualTo("0.000000000000000001 MYST");
    assertThat(Myst.ofWhole(3).plus(Myst.parse("0.25")).toPlainString()).isEqualTo("3.25");
  }

  @Test
  void refusesWhatIsNotMoney() {
    assertThatThrownBy(() -> Myst.parse("-1")).hasMessageContaining("negative");
    assertThatThrownBy(() -> Myst.parse("0.0000000000000000001"))
        .hasMessageContaining("18 decimals");
    assertThatThrownBy(() -> Myst.parse("ten")).hasMessageContaining("not an amount");
  }
}
