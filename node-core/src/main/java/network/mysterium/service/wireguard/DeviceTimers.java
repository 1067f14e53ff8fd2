package network.mysterium.service.wireguard;

import static network.mysterium.service.wireguard.WireGuardSpec.KEEPALIVE_TIMEOUT;
import static network.mysterium.service.wireguard.WireGuardSpec.REJECT_AFTER_TIME;
import static network.mysterium.service.wireguard.WireGuardSpec.REKEY_ATTEMPT_TIME;
import static network.mysterium.service.wireguard.WireGuardSpec.REKEY_TIMEOUT;
import static network.mysterium.service.wireguard.WireGuardSpec.SECOND;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The device's timers (WireGuard paper, section 6): handshake retry with jitter and giving up,
 * expiry of old keys, the initiator's new handshake after silence, passive and persistent
 * keepalives. One pass every 100 ms over all peers.
 */
final class DeviceTimers {
  private final WireGuardDevice device;
  private final Keypairs keypairs;
  private final LongSupplier clock;
  private final SecureRandom random;
  private final AtomicLong passes = new AtomicLong();

  DeviceTimers(WireGuardDevice device, Keypairs keypairs, LongSupplier clock, SecureRandom random) {
    this.device = device;
    this.keypairs = keypairs;
    this.clock = clock;
    this.random = random;
  }

  void run(BooleanSupplier closed) {
    while (!closed.getAsBoolean()) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      tick();
      passes.incrementAndGet();
    }
  }

  /** How many passes the timer thread has made (tests await one after moving their clock). */
  long passes() {
    return passes.get();
  }

  /** One pass of the timers over all peers (tests call it with their own clock). */
  void tick() {
    long now = clock.getAsLong();
    for (Peer peer : device.peers()) {
      boolean retry = false;
      synchronized (peer) {
        if (peer.pending != null) {
          if (now - peer.handshakeStarted >= REKEY_ATTEMPT_TIME) {
            // give up: the peer is unreachable; what was staged for it is dropped
            keypairs.removePending(peer.pendingIndex);
            peer.pending = null;
            peer.staged.clear();
          } else if (now - peer.lastInitiationSent >= REKEY_TIMEOUT + jitter()) {
            retry = true;
          }
        }
        if (now - peer.lastNewKeypair >= 3 * REJECT_AFTER_TIME && peer.current != null) {
          keypairs.drop(peer); // nothing new for long: the keys go
        }
        for (Peer.Keypair k : new Peer.Keypair[] {peer.previous, peer.next}) {
          if (k != null && now - k.createdNanos() >= REJECT_AFTER_TIME) {
            keypairs.remove(k);
          }
        }
      }
      if (retry) {
        device.initiate(peer, true);
        continue;
      }
      if (peer.current == null) {
        continue;
      }
      // sent data, heard nothing back for KEEPALIVE + REKEY_TIMEOUT: the session may be dead
      if (peer.lastDataSent > peer.lastReceived
          && now - peer.lastDataSent >= KEEPALIVE_TIMEOUT + REKEY_TIMEOUT) {
        peer.lastDataSent = peer.lastReceived; // once per silence
        device.initiate(peer, false);
      } else if (peer.lastDataReceived > peer.lastSent
          && now - peer.lastDataReceived >= KEEPALIVE_TIMEOUT) {
        device.sendKeepalive(peer); // passive keepalive: the peer learns we are alive
      } else if (peer.persistentKeepaliveSeconds > 0
          && now - peer.lastSent >= peer.persistentKeepaliveSeconds * SECOND) {
        device.sendKeepalive(peer);
      }
    }
  }

  private long jitter() {
    return random.nextLong(SECOND / 3);
  }
}
