package network.mysterium.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.KdfParams;

/** The {@code mysterium} executable. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Charset charset =
        System.console() != null ? System.console().charset() : Charset.defaultCharset();
    CliEnvironment environment =
        new CliEnvironment(
            System.getenv(),
            Terminal.system(),
            new PrintWriter(System.out, true, charset),
            new PrintWriter(System.err, true, charset),
            Messages.forLocale(Locale.getDefault()),
            DataDirectory.defaultForCurrentUser(),
            KdfParams.STANDARD,
            new SecureRandom(),
            Clock.systemUTC());
    System.exit(Cli.run(environment, args));
  }
}
