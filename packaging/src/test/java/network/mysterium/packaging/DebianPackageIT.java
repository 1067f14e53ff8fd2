package network.mysterium.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb this build made, as a user gets it (and the .rpm, checked for the same contents and
 * set-up, since it cannot be installed on this Debian machine): installed with dpkg, the CLI run
 * from the PATH, the desktop app started headless (Xvfb) as an unprivileged member of group
 * mysterium until its first frame, and removed again without leftovers. Needs root (dpkg); the
 * package is always removed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageIT {
  private static final Path DIR = Path.of(System.getProperty("installer.dir"));
  private static final String VERSION = System.getProperty("installer.version");
  private static final Path APP = Path.of("/opt/mysterium/bin/mysterium");
  private static Path deb;
  @TempDir static Path temp;

  record Run(int exit, String output, long millis) {}

  @BeforeAll
  static void install() throws Exception {
    try (Stream<Path> files = Files.list(DIR)) {
      deb = files.filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow();
    }
    Run installed = run(Map.of(), "dpkg", "-i", deb.toString());
    assertThat(installed.exit()).as(installed.output()).isZero();
  }

  @AfterAll
  static void remove() throws Exception {
    run(Map.of(), "dpkg", "--purge", "mysterium"); // also when a test failed
  }

  @Test
  @Order(1)
  void isSmallEnough() throws IOException {
    long size = Files.size(deb);
    System.out.printf("installer: %s, %.1f MB%n", deb.getFileName(), size / 1e6);
    assertThat(size).isLessThanOrEqualTo(80_000_000L);
  }

  @Test
  @Order(2)
  void theCliIsOnThePathAndMakesAnIdentityInAPrivateKeystore() throws Exception {
    Run version = run(Map.of(), "mysterium", "--version");
    assertThat(version.exit()).as(version.output()).isZero();
    assertThat(version.output().strip()).isEqualTo("mysterium " + VERSION);

    Path data = temp.resolve("cli-data");
    Run created =
        run(
            Map.of("MYSTERIUM_PASSPHRASE", "correct horse battery"),
            "mysterium",
            "--data-dir",
            data.toString(),
            "identity",
            "new");
    assertThat(created.exit()).as(created.output()).isZero();
    assertThat(created.output()).containsPattern("0x[0-9a-fA-F]{40}");
    try (Stream<Path> keys = Files.list(data.resolve("keystore"))) {
      List<Path> files = keys.toList();
      assertThat(files).hasSize(1);
      assertThat(Files.getPosixFilePermissions(files.getFirst()))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
  }

  @Test
  @Order(3)
  void theAppMayManageTheNetworkForMembersOfItsGroupOnly() throws Exception {
    Run caps = run(Map.of(), "getcap", APP.toString());
    assertThat(caps.output()).contains("cap_net_admin");
    Run owner = run(Map.of(), "stat", "-c", "%a %U %G", APP.toString());
    assertThat(owner.output().strip()).isEqualTo("750 root mysterium");
    Run unit = run(Map.of(), "readlink", "-f", "/lib/systemd/system/mysterium-provider.service");
    assertThat(Files.readString(Path.of(unit.output().strip())))
        .contains("ExecStart=/opt/mysterium/bin/mysterium-cli ")
        .contains("AmbientCapabilities=CAP_NET_ADMIN");
    Run daemonUnit =
        run(Map.of(), "readlink", "-f", "/lib/systemd/system/mysterium-daemon.service");
    assertThat(Files.readString(Path.of(daemonUnit.output().strip())))
        .contains(
            "ExecStart=/opt/mysterium/bin/mysterium-cli --data-dir /var/lib/mysterium daemon ")
        .contains("RuntimeDirectoryMode=0750");

    // nobody, not in the group: refused before anything runs
    Run refused = asNobody(false, "--version");
    assertThat(refused.exit()).as(refused.output()).isNotZero();
    assertThat(refused.output()).containsIgnoringCase("permission denied");
  }

  @Test
  @Order(4)
  void theAppShowsItsFirstFrameHeadlessAsAnUnprivilegedMember() throws Exception {
    Path png = temp.resolve("first-frame.png");
    Run first = asNobody(true, "--first-frame", png.toString());
    System.out.printf("installed app, cold start to first frame: %d ms%n", first.millis());
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output()).contains("(IP tunnel: allowed)");
    var image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(980);
    assertThat(colours(image)).isGreaterThan(8);
  }

  @Test
  @Order(5)
  void theRpmCarriesTheSameLaunchersAndSetUp() throws Exception {
    Path rpm;
    try (Stream<Path> files = Files.list(DIR)) {
      rpm = files.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
    }
    System.out.printf("installer: %s, %.1f MB%n", rpm.getFileName(), Files.size(rpm) / 1e6);
    Run files = run(Map.of(), "rpm", "-qpl", rpm.toString());
    assertThat(files.output().lines())
        .contains("/opt/mysterium/bin/mysterium", "/opt/mysterium/bin/mysterium-cli");
    Run scripts = run(Map.of(), "rpm", "-qp", "--scripts", rpm.toString());
    assertThat(scripts.output())
        .contains("setcap cap_net_admin+ep /opt/mysterium/bin/mysterium")
        .contains("chmod 0750 /opt/mysterium/bin/mysterium")
        .contains("ln -sf /opt/mysterium/bin/mysterium-cli /usr/bin/mysterium");
    Run requires = run(Map.of(), "rpm", "-qp", "--requires", rpm.toString());
    assertThat(requires.output().lines()).contains("libsecp256k1", "gtk3", "libcap");
    assertThat(
            run(Map.of(), "rpm", "-qp", "--qf", "%{VERSION}-%{RELEASE}", rpm.toString()).output())
        .isEqualTo(
            VERSION.replace("-SNAPSHOT", "")
                + (VERSION.endsWith("-SNAPSHOT") ? "-0.snapshot" : "-1"));
  }

  @Test
  @Order(6)
  void removingThePackageLeavesNothingBehind() throws Exception {
    Run removed = run(Map.of(), "dpkg", "--purge", "mysterium");
    assertThat(removed.exit()).as(removed.output()).isZero();
    assertThat(Path.of("/opt/mysterium")).doesNotExist();
    assertThat(Path.of("/usr/bin/mysterium")).doesNotExist();
    assertThat(Path.of("/lib/systemd/system/mysterium-provider.service")).doesNotExist();
    assertThat(Path.of("/lib/systemd/system/mysterium-daemon.service")).doesNotExist();
    assertThat(run(Map.of(), "dpkg", "-s", "mysterium").exit()).isNotZero();
  }

  /**
   * Runs the installed app as nobody under Xvfb (access control off, since the display's cookie
   * belongs to root), in the group mysterium or not. Nobody has no capability of its own: an
   * allowed tunnel comes from the launcher's file capability.
   */
  private static Run asNobody(boolean inGroup, String... appArgs) throws Exception {
    Path home = Files.createTempDirectory(temp, "home");
    Files.setPosixFilePermissions(home, Set.of(PosixFilePermission.values())); // nobody writes here
    Files.setPosixFilePermissions(temp, Set.of(PosixFilePermission.values()));
    List<String> command = new ArrayList<>();
    command.addAll(List.of("xvfb-run", "-a", "-s", "-ac -screen 0 1280x800x24", "setpriv"));
    command.addAll(
        List.of(
            "--reuid=nobody", "--regid=" + (inGroup ? "mysterium" : "nogroup"), "--clear-groups"));
    command.addAll(
        List.of(
            "env", "HOME=" + home, APP.toString(), "--data-dir", home.resolve("data").toString()));
    command.addAll(List.of(appArgs));
    return run(Map.of(), command.toArray(String[]::new));
  }

  private static int colours(java.awt.image.BufferedImage image) {
    Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 5) {
      for (int x = 0; x < image.getWidth(); x += 5) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen.size();
  }

  private static Run run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    try {
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(180, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", command) + " did not end in 180 s");
      }
      return new Run(
          process.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      process.destroyForcibly();
    }
  }
}
