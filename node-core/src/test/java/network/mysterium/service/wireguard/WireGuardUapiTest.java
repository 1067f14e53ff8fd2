package network.mysterium.service.wireguard;

import static network.mysterium.service.wireguard.Shell.run;
import static network.mysterium.service.wireguard.Shell.runQuietly;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import network.mysterium.tun.LinuxTun;
import org.junit.jupiter.api.Test;

/** The stock {@code wg} reads and changes our device through its UAPI socket. */
class WireGuardUapiTest {
  private final SecureRandom random = new SecureRandom();
  private final String suffix = HexFormat.of().formatHex(random.generateSeed(2));

  @Test
  void wgShowListsOurPeersAndWgSetAddsChangesAndRemovesThem() throws Exception {
    String ns = "mys-u-" + suffix;
    run("ip", "netns", "add", ns);
    try (LinuxTun tun = LinuxTun.open("mysu" + suffix, 1420)) {
      run("ip", "link", "set", tun.name(), "netns", ns);
      byte[] ourKey = WireGuardCrypto.newPrivateKey(random);
      byte[] peerKey = WireGuardCrypto.publicKey(WireGuardCrypto.newPrivateKey(random));
      try (WireGuardDevice device =
              WireGuardDevice.start(
                  tun,
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                  ourKey,
                  WireGuardDevice.Options.defaults());
          WireGuardUapi uapi = WireGuardUapi.serve(device, WireGuardUapi.DEFAULT_DIRECTORY)) {
        assertThat(
                Files.getPosixFilePermissions(
                    WireGuardUapi.DEFAULT_DIRECTORY.resolve(tun.name() + ".sock")))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        device.addPeer(
            peerKey,
            new byte[32],
            List.of(IpPrefix.parse("10.182.0.2/32")),
            new InetSocketAddress("192.0.2.1", 51820),
            25,
            Peer.Traffic.NONE);
        String base64Peer = Base64.getEncoder().encodeToString(peerKey);
        String shown = run("wg", "show", tun.name());
        assertThat(shown)
            .contains("interface: " + tun.name())
            .contains("public key: " + Base64.getEncoder().encodeToString(device.publicKey()))
            .contains("listening port: " + device.address().getPort())
            .contains("peer: " + base64Peer)
            .contains("endpoint: 192.0.2.1:51820")
            .contains("allowed ips: 10.182.0.2/32")
            .contains("persistent keepalive: every 25 seconds")
            .contains("private key: (hidden)");

        // wg set: a second peer, a new endpoint and allowed IPs for the first, then removal
        String second =
            Base64.getEncoder()
                .encodeToString(WireGuardCrypto.publicKey(WireGuardCrypto.newPrivateKey(random)));
        run("wg", "set", tun.name(), "peer", second, "allowed-ips", "10.182.0.3/32");
        run(
            "wg",
            "set",
            tun.name(),
            "peer",
            base64Peer,
            "endpoint",
            "198.51.100.7:4000",
            "allowed-ips",
            "10.182.0.9/32,10.183.0.0/16");
        String dump = run("wg", "show", tun.name(), "dump");
        assertThat(dump)
            .contains(second + "\t(none)\t(none)\t10.182.0.3/32")
            .contains(base64Peer + "\t(none)\t198.51.100.7:4000\t");
        assertThat(device.allowedIps(device.peer(peerKey)))
            .containsExactlyInAnyOrder(
                IpPrefix.parse("10.182.0.9/32"), IpPrefix.parse("10.183.0.0/16"));
        run("wg", "set", tun.name(), "peer", second, "remove");
        assertThat(device.peers()).hasSize(1);
        // what the device cannot change is refused, and changes nothing
        assertThat(runQuietly("wg", "set", tun.name(), "listen-port", "1")).isFalse();
        assertThat(device.peers()).hasSize(1);
      }
      assertThat(WireGuardUapi.DEFAULT_DIRECTORY.resolve(tun.name() + ".sock")).doesNotExist();
    } finally {
      run("ip", "netns", "del", ns);
    }
  }
}
