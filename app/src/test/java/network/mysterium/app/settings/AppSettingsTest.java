package network.mysterium.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import network.mysterium.money.Myst;
import network.mysterium.session.SpendLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spending limits the user sets are kept in the data directory, across runs of the app. */
class AppSettingsTest {
  @TempDir Path dataDir;

  @Test
  void theSpendingLimitsStartAtTheDefaultsAndSurviveARestart() throws Exception {
    SettingsStore first = SettingsStore.open(dataDir);
    assertThat(first.get().spendLimit())
        .isEqualTo(new SpendLimit(Myst.parse("1"), Myst.parse("2")));

    first.update(s -> s.withSpendLimit(new SpendLimit(Myst.parse("0.25"), Myst.parse("3.5"))));

    // a new run of the app reads the file again
    SettingsStore restarted = SettingsStore.open(dataDir);
    assertThat(restarted.get().spendLimit())
        .isEqualTo(new SpendLimit(Myst.parse("0.25"), Myst.parse("3.5")));
    assertThat(Files.readString(dataDir.resolve(AppSettings.FILE), StandardCharsets.UTF_8))
        .contains("max-spend=0.25")
        .contains("max-spend-per-provider=3.5");
    // the other settings are untouched by the limits
    assertThat(restarted.get().serviceType()).isEqualTo("socks5");
  }

  @Test
  void servingTheLocalApiIsOffByDefaultAndTheChoiceSurvivesARestart() throws Exception {
    SettingsStore first = SettingsStore.open(dataDir);
    assertThat(first.get().serveApi()).isFalse();

    first.update(s -> s.withServeApi(true));

    SettingsStore restarted = SettingsStore.open(dataDir);
    assertThat(restarted.get().serveApi()).isTrue();
    assertThat(Files.readString(dataDir.resolve(AppSettings.FILE), StandardCharsets.UTF_8))
        .contains("serve-api=true");
    assertThat(restarted.get().spendLimit()).isEqualTo(SpendLimit.defaults());
  }

  @Test
  void aLimitEditedIntoSomethingUnusableOpensWithTheDefaults() throws Exception {
    Files.writeString(
        dataDir.resolve(AppSettings.FILE),
        "max-spend=lots\nmax-spend-per-provider=0\nservice-type=wireguard\n",
        StandardCharsets.UTF_8);
    AppSettings loaded = AppSettings.load(dataDir);
    assertThat(loaded.spendLimit()).isEqualTo(SpendLimit.defaults());
    assertThat(loaded.serviceType()).isEqualTo("wireguard"); // the rest is still read
  }
}
