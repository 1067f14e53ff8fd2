package network.mysterium.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One node per data directory: an OS lock on {@code node.lock}, held while the node runs and
 * released by the OS when its process dies (kill -9 leaves nothing to clean up). A second node on
 * the same directory, in this process or another, is refused instead of sharing the database and
 * the identity with the first.
 */
final class DataDirectoryLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirectoryLock take(Path dataDir) throws NodeException {
    Path file = dataDir.resolve("node.lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new NodeException(NodeException.Code.STORAGE, file + ": " + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      try {
        channel.close();
      } catch (IOException e) {
        // refused anyway
      }
      throw new NodeException(
          NodeException.Code.DATA_DIR_IN_USE,
          "another node runs on "
              + dataDir
              + " (a daemon? its API is at "
              + dataDir.resolve("api.sock")
              + ")",
          dataDir.toString());
    }
    return new DataDirectoryLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the OS releases it with the process
    }
  }
}
