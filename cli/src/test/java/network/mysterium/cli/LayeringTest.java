package network.mysterium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: the CLI and the desktop app reach the chain and the host only through
 * node-core's {@code Node} and its parts, never the contract bindings or the native layer.
 */
class LayeringTest {
  private static final Pattern FORBIDDEN =
      Pattern.compile(
          "^import\\s+(static\\s+)?network\\.mysterium\\.(contracts|secp256k1|tun)\\b",
          Pattern.MULTILINE);
  private static final Pattern FULLY_QUALIFIED =
      Pattern.compile("\\bnetwork\\.mysterium\\.(contracts|secp256k1|tun)\\.");

  @Test
  void nothingInTheCliOrTheAppUsesContractsOrNative() throws IOException {
    List<String> offending = new ArrayList<>();
    for (Path root : List.of(Path.of("src/main/java"), Path.of("../app/src/main/java"))) {
      assertThat(root).isDirectory();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String source = Files.readString(file);
          if (FORBIDDEN.matcher(source).find() || FULLY_QUALIFIED.matcher(source).find()) {
            offending.add(file.toString());
          }
        }
      }
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void theCheckSeesAForbiddenImport() {
    assertThat(
            FORBIDDEN
                .matcher("package x;\nimport network.mysterium.contracts.Deployment;\n")
                .find())
        .isTrue();
    assertThat(FULLY_QUALIFIED.matcher("var t = network.mysterium.tun.TunDevice.class;").find())
        .isTrue();
    assertThat(FORBIDDEN.matcher("import network.mysterium.node.Node;").find()).isFalse();
  }
}
