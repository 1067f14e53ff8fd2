package network.mysterium.service.socks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Copies bytes between two connected sockets, both ways, counting (and pacing) each way. */
final class Relay {
  private static final int BUFFER = 64 * 1024;

  /** One direction's accounting: may wait (a bandwidth limit) before the bytes are written. */
  @FunctionalInterface
  interface Leg {
    void pass(long bytes) throws InterruptedException;
  }

  /** Runs before the sockets close: whether both directions ended cleanly (no error, no reset). */
  @FunctionalInterface
  interface Closing {
    void before(boolean clean);
  }

  private Relay() {}

  /**
   * Relays until both directions end, then closes both sockets. {@code aToB} and {@code bToA} count
   * what each direction carried; {@code beforeClose} runs before either socket is closed (the meter
   * takes the kernel's last queue of the data connection).
   */
  static void run(Socket a, Socket b, Leg aToB, Leg bToA, Closing beforeClose) {
    Thread back = Thread.ofVirtual().name("relay").start(() -> copy(b, a, bToA, beforeClose));
    copy(a, b, aToB, beforeClose);
    try {
      back.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    beforeClose.before(true); // after an error the copy that met it ran it first, unclean
    closeQuietly(a);
    closeQuietly(b);
  }

  private static void copy(Socket from, Socket to, Leg leg, Closing beforeClose) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        leg.pass(n);
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput(); // half-close: the other direction may still be talking
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      beforeClose.before(false);
      closeQuietly(from);
      closeQuietly(to);
    } catch (IOException | UnsupportedOperationException e) {
      // one side went away: end both
      beforeClose.before(false);
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // gone
    }
  }
}
