package network.mysterium.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment file carries the proposal expiry; files from before it read with the default. */
class DeploymentFileTest {
  @TempDir Path temp;

  private static final String OLD_FILE =
      """
      {"chainId": 31337, "token": "0x01", "identityRegistry": "0x02",
       "serviceRegistry": "0x03", "payments": "0x04", "startBlock": 7}
      """;

  @Test
  void aFileWithoutAnExpiryMeansSixtyThousandBlocksOrSevenDays() throws Exception {
    Path file = temp.resolve("deployment.json");
    Files.writeString(file, OLD_FILE);
    Deployment read = Deployment.read(file);
    assertThat(read.proposalExpiry().blocks()).isEqualTo(60_000);
    assertThat(read.proposalExpiry().time()).isEqualTo(Duration.ofDays(7));
    assertThat(read.startBlock()).isEqualTo(7);
  }

  @Test
  void theExpiryIsWrittenInBlocksAndSecondsAndReadBack() throws Exception {
    Path file = temp.resolve("deployment.json");
    Files.writeString(file, OLD_FILE);
    Deployment shortLived =
        Deployment.read(file).withProposalExpiry(new ProposalExpiry(40, Duration.ofMinutes(10)));
    shortLived.write(file);
    assertThat(Files.readString(file))
        .contains("\"proposalExpiry\"")
        .contains("\"blocks\" : 40")
        .contains("\"seconds\" : 600");
    assertThat(Deployment.read(file)).isEqualTo(shortLived);
  }

  @Test
  void aMalformedExpiryIsRefusedWithTheFileNamed() throws Exception {
    Path file = temp.resolve("deployment.json");
    Files.writeString(
        file,
        OLD_FILE.replace(
            "\"startBlock\": 7", "\"startBlock\": 7, \"proposalExpiry\": {\"blocks\": \"x\"}"));
    assertThatThrownBy(() -> Deployment.read(file))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("proposalExpiry");
    Files.writeString(
        file,
        OLD_FILE.replace(
            "\"startBlock\": 7",
            "\"startBlock\": 7, \"proposalExpiry\": {\"blocks\": 0, \"seconds\": 60}"));
    assertThatThrownBy(() -> Deployment.read(file)).isInstanceOf(ChainException.class);
  }
}
