package network.mysterium.datadir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes files that only their owner may read (mode 0600 on POSIX) so that a crash never leaves a
 * half-written file in place: write a temporary file beside the target, flush it to disk, let the
 * caller check it, then rename it into place and flush the directory.
 */
public final class PrivateFiles {
  /** Checks the temporary file before it replaces anything, e.g. by decrypting it again. */
  @FunctionalInterface
  public interface Check {
    void verify(Path written) throws IOException;
  }

  private PrivateFiles() {}

  /**
   * @param replace whether an existing target may be replaced; if not and it exists, fails with
   *     {@link FileAlreadyExistsException} and leaves it untouched
   */
  public static void writeAtomically(Path target, byte[] content, boolean replace, Check check)
      throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(directory, ".tmp-", ".part", ownerOnly());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      check.verify(temp);
      if (!replace && Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(directory);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Takes group's and others' permissions away from an existing file or directory (POSIX only; the
   * owner's stay as they are). Does nothing when it does not exist.
   */
  public static void tighten(Path path) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Set<PosixFilePermission> permissions =
        EnumSet.copyOf(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    permissions.retainAll(
        EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE));
    Files.setPosixFilePermissions(path, permissions);
  }

  /**
   * Creates an empty file readable by its owner only if it is missing, else tightens it (e.g. a
   * database that SQLite will open; its -wal and -shm files take the database file's mode).
   */
  public static void ownerOnlyFile(Path file) throws IOException {
    try {
      Files.createFile(file, ownerOnly());
    } catch (FileAlreadyExistsException e) {
      tighten(file);
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
      };
    }
    return new FileAttribute<?>[0];
  }

  /** Makes the rename durable; not every OS lets a directory be opened, so failure is ignored. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open directories; NTFS journals the rename itself.
    }
  }
}
