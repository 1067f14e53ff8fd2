package network.mysterium.datadir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  private static final Path HOME = Path.of("/home/alice");
  @TempDir Path temp;

  @Test
  void followsEachOperatingSystemsConvention() {
    assertThat(DataDirectory.defaultFor("Linux", Map.of(), HOME).root())
        .isEqualTo(Path.of("/home/alice/.local/share/mysterium"));
    assertThat(
            DataDirectory.defaultFor("Linux", Map.of("XDG_DATA_HOME", "/data/alice"), HOME).root())
        .isEqualTo(Path.of("/data/alice/mysterium"));
    assertThat(DataDirectory.defaultFor("Linux", Map.of("XDG_DATA_HOME", "relative"), HOME).root())
        .as("XDG says relative paths are to be ignored")
        .isEqualTo(Path.of("/home/alice/.local/share/mysterium"));
    assertThat(DataDirectory.defaultFor("Mac OS X", Map.of(), HOME).root())
        .isEqualTo(Path.of("/home/alice/Library/Application Support/Mysterium"));
    assertThat(DataDirectory.defaultFor("Windows 11", Map.of("APPDATA", "/appdata"), HOME).root())
        .isEqualTo(Path.of("/appdata/Mysterium"));
  }

  @Test
  void privateDirectoriesAreOwnerOnly() throws Exception {
    Path created = DataDirectory.createPrivateDirectories(temp.resolve("a").resolve("node"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
        .isEqualTo("rwx------");
  }

  @Test
  void anExistingDirectoryAndDatabaseMadeUnderAnotherUmaskAreTightened() throws Exception {
    Path existing = Files.createDirectories(temp.resolve("shared"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
    DataDirectory.createPrivateDirectories(existing);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)))
        .isEqualTo("rwx------");

    Path fresh = existing.resolve("fresh.db");
    try (var db = network.mysterium.store.Database.open(fresh)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)))
          .isEqualTo("rw-------");
    }
    Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-rw-r--"));
    try (var db = network.mysterium.store.Database.open(fresh)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)))
          .as("an existing database, reopened")
          .isEqualTo("rw-------");
      for (String suffix : new String[] {"-wal", "-shm"}) {
        Path side = Path.of(fresh + suffix);
        if (Files.exists(side)) {
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(side)))
              .as(suffix)
              .isEqualTo("rw-------");
        }
      }
    }
  }

  @Test
  void atomicWriteIsPrivateAndAFailedCheckLeavesTheOldFile() throws Exception {
    Path target = temp.resolve("file");
    PrivateFiles.writeAtomically(target, bytes("one"), false, f -> {});
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-------");
    assertThatThrownBy(() -> PrivateFiles.writeAtomically(target, bytes("two"), false, f -> {}))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(
            () ->
                PrivateFiles.writeAtomically(
                    target,
                    bytes("three"),
                    true,
                    f -> {
                      throw new java.io.IOException("check failed");
                    }))
        .hasMessage("check failed");
    assertThat(Files.readString(target)).isEqualTo("one");
    try (var files = Files.list(temp)) {
      assertThat(files).containsExactly(target);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
