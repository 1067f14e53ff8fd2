package network.mysterium.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import network.mysterium.datadir.DataDirectory;
import network.mysterium.i18n.Messages;
import network.mysterium.identity.KdfParams;

/**
 * What a CLI run may touch of the outside world, passed in so that tests run the real commands with
 * their own streams, environment and terminal.
 */
public record CliEnvironment(
    Map<String, String> variables,
    Terminal terminal,
    PrintWriter out,
    PrintWriter err,
    Messages messages,
    DataDirectory defaultDataDirectory,
    KdfParams.Scrypt kdf,
    SecureRandom random,
    Clock clock) {}
