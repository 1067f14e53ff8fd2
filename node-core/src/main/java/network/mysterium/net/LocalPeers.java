package network.mysterium.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which local user is at the other end of a loopback TCP connection, from the kernel's socket
 * tables (Linux {@code /proc/net/tcp} and {@code tcp6}: the peer's socket is listed with its own
 * address as local, ours as remote, and its owner's uid). Local services that spend the user's
 * money (the consumer's SOCKS5 proxy) serve only their own user: another account on the same
 * machine is refused. Elsewhere the tables do not exist and nothing can be told.
 */
public final class LocalPeers {
  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private LocalPeers() {}

  /** The uid owning the other end of {@code accepted}, when the kernel says. */
  public static OptionalInt ownerOf(Socket accepted) {
    InetSocketAddress peer = (InetSocketAddress) accepted.getRemoteSocketAddress();
    InetSocketAddress us = (InetSocketAddress) accepted.getLocalSocketAddress();
    for (Path table : TABLES) {
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 8) {
          continue;
        }
        if (same(f[1], peer) && same(f[2], us)) {
          try {
            return OptionalInt.of(Integer.parseInt(f[7]));
          } catch (NumberFormatException e) {
            return OptionalInt.empty();
          }
        }
      }
    }
    return OptionalInt.empty();
  }

  /** This process's uid, when the system says. */
  public static OptionalInt ownUid() {
    try {
      return OptionalInt.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Whether another user is at the other end: false when it is this user or when it cannot be told
   * (not Linux).
   */
  public static boolean isAnotherUser(Socket accepted) {
    OptionalInt own = ownUid();
    OptionalInt theirs = ownerOf(accepted);
    return own.isPresent() && theirs.isPresent() && own.getAsInt() != theirs.getAsInt();
  }

  /** Whether a table entry ("0100007F:1F90", IPv4 or IPv6 words in host order) is {@code want}. */
  static boolean same(String entry, InetSocketAddress want) {
    int colon = entry.indexOf(':');
    if (colon < 0) {
      return false;
    }
    int port;
    try {
      port = Integer.parseInt(entry.substring(colon + 1), 16);
    } catch (NumberFormatException e) {
      return false;
    }
    if (port != want.getPort()) {
      return false;
    }
    return decode(entry.substring(0, colon))
        .map(a -> unmapped(a).equals(unmapped(want.getAddress())))
        .orElse(false);
  }

  static Optional<InetAddress> decode(String hex) {
    if (hex.length() != 8 && hex.length() != 32) {
      return Optional.empty();
    }
    byte[] bytes = new byte[hex.length() / 2];
    try {
      // each 32-bit word is printed in the host's (little-endian) order
      for (int word = 0; word < bytes.length / 4; word++) {
        for (int b = 0; b < 4; b++) {
          int at = word * 8 + (3 - b) * 2;
          bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
        }
      }
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (NumberFormatException | UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** An IPv4-mapped IPv6 address as its IPv4 address (a dual-stack socket lists it so). */
  static InetAddress unmapped(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16) {
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
          return address;
        }
      }
    }
    return address;
  }
}
