package network.mysterium.app.settings;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import network.mysterium.money.Myst;
import network.mysterium.session.SpendLimit;

/**
 * What the user chose in the app, kept in {@code app.properties} in the data directory: the chain
 * (RPC and deployment file), language, theme, how to connect (SOCKS5 or the IP tunnel, with or
 * without the kill switch, the spending limits, and whether a lost or left provider fails over to
 * the next), whether the app starts at login, and whether it serves the local API. No secret is
 * kept here.
 */
public record AppSettings(
    URI rpc,
    Optional<Path> deployment,
    Locale language,
    boolean dark,
    String serviceType,
    boolean killSwitch,
    boolean startAtLogin,
    SpendLimit spendLimit,
    boolean serveApi,
    boolean failOver) {
  public static final String FILE = "app.properties";
  public static final URI DEFAULT_RPC = network.mysterium.node.NodeChain.LOCAL_RPC;

  public static AppSettings defaults() {
    return new AppSettings(
        DEFAULT_RPC,
        Optional.empty(),
        Locale.getDefault(),
        false,
        "socks5",
        true,
        false,
        SpendLimit.defaults(),
        false,
        true);
  }

  /** The deployment file: the one chosen, or {@code deployment.json} in the data directory. */
  public Path deploymentFile(Path dataDir) {
    return deployment.orElse(dataDir.resolve("deployment.json"));
  }

  /**
   * The settings in a data directory; a missing file gives the defaults, and a value that cannot be
   * read keeps its default (the app still opens, and the user fixes it in Settings).
   */
  public static AppSettings load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    AppSettings d = defaults();
    if (!Files.exists(file)) {
      return d;
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    URI rpc;
    try {
      rpc = URI.create(p.getProperty("rpc", d.rpc().toString()));
    } catch (IllegalArgumentException e) {
      rpc = d.rpc();
    }
    String type = p.getProperty("service-type", d.serviceType());
    return new AppSettings(
        rpc,
        Optional.ofNullable(p.getProperty("deployment")).filter(s -> !s.isBlank()).map(Path::of),
        Locale.forLanguageTag(p.getProperty("language", d.language().toLanguageTag())),
        Boolean.parseBoolean(p.getProperty("dark", "false")),
        type.equals("wireguard") ? type : "socks5",
        Boolean.parseBoolean(p.getProperty("kill-switch", "true")),
        Boolean.parseBoolean(p.getProperty("start-at-login", "false")),
        spendLimit(p, d.spendLimit()),
        Boolean.parseBoolean(p.getProperty("serve-api", "false")),
        Boolean.parseBoolean(p.getProperty("fail-over", "true")));
  }

  /** The limits saved, or the defaults when either is missing or not a usable amount. */
  private static SpendLimit spendLimit(Properties p, SpendLimit defaults) {
    try {
      return new SpendLimit(
          Myst.parse(p.getProperty("max-spend", defaults.perSession().toPlainString())),
          Myst.parse(
              p.getProperty("max-spend-per-provider", defaults.perProvider().toPlainString())));
    } catch (IllegalArgumentException e) {
      return defaults;
    }
  }

  /** Writes the settings into the data directory, replacing the file whole. */
  public void save(Path dataDir) throws IOException {
    Properties p = new Properties();
    p.setProperty("rpc", rpc.toString());
    deployment.ifPresent(d -> p.setProperty("deployment", d.toString()));
    p.setProperty("language", language.toLanguageTag());
    p.setProperty("dark", Boolean.toString(dark));
    p.setProperty("service-type", serviceType);
    p.setProperty("kill-switch", Boolean.toString(killSwitch));
    p.setProperty("start-at-login", Boolean.toString(startAtLogin));
    p.setProperty("max-spend", spendLimit.perSession().toPlainString());
    p.setProperty("max-spend-per-provider", spendLimit.perProvider().toPlainString());
    p.setProperty("serve-api", Boolean.toString(serveApi));
    p.setProperty("fail-over", Boolean.toString(failOver));
    Path temporary = Files.createTempFile(dataDir, FILE, ".tmp");
    try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
      p.store(out, "Mysterium app settings");
    }
    Files.move(
        temporary,
        dataDir.resolve(FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public AppSettings withChain(URI rpc, Optional<Path> deployment) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }

  public AppSettings withLanguage(Locale language) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }

  public AppSettings withDark(boolean dark) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }

  public AppSettings withConnection(String serviceType, boolean killSwitch) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }

  public AppSettings withStartAtLogin(boolean startAtLogin) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }

  /** Whether the app serves the local API (docs/openapi.json) on its node for other programs. */
  public AppSettings withServeApi(boolean serveApi) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }

  public AppSettings withSpendLimit(SpendLimit spendLimit) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }

  /** Whether a provider left or lost is failed over to the next one (on by default). */
  public AppSettings withFailOver(boolean failOver) {
    return new AppSettings(
        rpc,
        deployment,
        language,
        dark,
        serviceType,
        killSwitch,
        startAtLogin,
        spendLimit,
        serveApi,
        failOver);
  }
}
