package network.mysterium.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The replay guard's memory across restarts: a message timestamp (ms) that no message accepted
 * before the last stop was stamped after. A restarted node refuses everything stamped at or before
 * it, so datagrams captured before the restart cannot be replayed within their freshness window.
 * Written ahead of use (a lease), so one fsync covers many messages.
 */
public interface ReplayFloor {
  /** The floor the last run left, 0 if none. */
  long load();

  /** Durably records that no message stamped after {@code millis} was accepted yet. */
  void store(long millis);

  /** Nothing survives a restart: for tests and short-lived tools. */
  static ReplayFloor inMemory() {
    return new ReplayFloor() {
      private volatile long floor;

      @Override
      public long load() {
        return floor;
      }

      @Override
      public void store(long millis) {
        floor = millis;
      }
    };
  }

  /** A file of 8 bytes, replaced atomically and fsync'd. */
  static ReplayFloor file(Path file) {
    return new ReplayFloor() {
      @Override
      public long load() {
        try {
          byte[] bytes = Files.readAllBytes(file);
          // A damaged file is no reason to accept replays: "now" is a safe floor then.
          return bytes.length == 8 ? ByteBuffer.wrap(bytes).getLong() : System.currentTimeMillis();
        } catch (java.nio.file.NoSuchFileException e) {
          return 0;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the replay floor " + file, e);
        }
      }

      @Override
      public void store(long millis) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out =
            FileChannel.open(
                temporary,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
          out.write(ByteBuffer.allocate(8).putLong(0, millis));
          out.force(true);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the replay floor " + file, e);
        }
        try {
          Files.move(
              temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the replay floor " + file, e);
        }
      }
    };
  }
}
