package network.mysterium.cli.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import network.mysterium.cli.UserError;
import network.mysterium.crypto.PersonalMessage;
import network.mysterium.crypto.TypedData;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What sign-message and verify-message work on: a text message or an EIP-712 typed-data file. */
final class SignedContent {
  @Parameters(paramLabel = "MESSAGE", arity = "0..1", descriptionKey = "MESSAGE")
  private String message;

  @ArgGroup(exclusive = true)
  private Source source = new Source();

  static final class Source {
    @Option(names = "--typed-data", paramLabel = "FILE", descriptionKey = "typed-data")
    Path typedData;
  }

  /** The 32-byte hash that is signed. */
  byte[] hash() {
    if (source.typedData != null) {
      if (message != null) {
        throw new IllegalArgumentException("give either a MESSAGE or --typed-data, not both");
      }
      try {
        return TypedData.fromJson(Files.readString(source.typedData, StandardCharsets.UTF_8))
            .digest();
      } catch (IOException e) {
        throw new UserError("error.IO", source.typedData, e.getMessage());
      }
    }
    if (message == null) {
      throw new IllegalArgumentException("give a MESSAGE to sign or --typed-data FILE");
    }
    return PersonalMessage.hash(message.getBytes(StandardCharsets.UTF_8));
  }
}
