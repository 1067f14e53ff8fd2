package network.mysterium.tun;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A layer-3 virtual network device: whole IP packets in and out, no link-layer header. The IP
 * tunnel reads what the system routes into it and writes what arrives from the peer. One thread
 * reads and one thread writes at a time (each reuses its own call memory).
 */
public interface TunDevice extends AutoCloseable {
  /** The interface name the system gave (or that was asked for). */
  String name();

  int mtu();

  /**
   * Reads one packet into {@code packet} (from its position; a direct buffer avoids a copy),
   * waiting at most {@code timeoutMillis}; returns its length, or 0 when none came in time.
   */
  int read(ByteBuffer packet, int timeoutMillis) throws IOException;

  /** Writes one packet (from position to limit). */
  void write(ByteBuffer packet) throws IOException;

  /** Closes the device; a non-persistent device disappears with it. */
  @Override
  void close() throws IOException;
}
