package network.mysterium.service.socks;

import java.util.Optional;
import network.mysterium.service.Meter;

/** Which session a data connection belongs to: its token (the session id) opens the gate. */
@FunctionalInterface
public interface SessionGate {
  Optional<Meter> admit(byte[] sessionId);
}
