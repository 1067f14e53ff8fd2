package network.mysterium.net.lab;

/**
 * The kinds of home router {@link TestInternet} builds, in RFC 4787 terms (mapping: which external
 * address:port an inside endpoint gets per destination; filtering: who may send to it). Every kind
 * drops unsolicited traffic to the router itself and forwards only LAN-to-WAN and replies, so what
 * reaches the LAN is exactly what its NAT behaviour lets through. No hairpinning.
 */
public enum Nat {
  /**
   * Endpoint-independent mapping and endpoint-independent filtering ("full cone"): one external
   * port per inside address:port, whatever the destination, and once it exists anyone may send to
   * it. Linux conntrack is per 5-tuple, so the mapping is kept in nftables maps written from the
   * packet path: the first outbound packet of an inside endpoint is masqueraded (its port kept when
   * free, a random one when another inside endpoint holds it), and a rule after NAT records the
   * pair both ways; later flows of that endpoint are SNATed to the recorded port, and inbound
   * packets to a recorded port are DNATed to its owner. A new flow whose port another endpoint
   * already holds is dropped (its retry draws a new random port), so two endpoints never share one.
   * Mappings last {@value #MAPPING_TIMEOUT} after the endpoint's last outbound packet.
   */
  ENDPOINT_INDEPENDENT,
  /**
   * Linux {@code masquerade}'s default: the source port is kept when the 5-tuple stays unique, so
   * in practice the mapping is endpoint-independent; conntrack lets in only the replies of flows an
   * inside endpoint opened, i.e. address-and-port-dependent filtering ("port-restricted cone").
   */
  PORT_RESTRICTED,
  /**
   * {@code masquerade fully-random}: a new random port for every flow, so every destination sees a
   * different mapping (address-and-port-dependent mapping), and conntrack's
   * address-and-port-dependent filtering.
   */
  SYMMETRIC;

  /** eim, pr or sym: short enough for host names. */
  public String abbreviation() {
    return switch (this) {
      case ENDPOINT_INDEPENDENT -> "eim";
      case PORT_RESTRICTED -> "pr";
      case SYMMETRIC -> "sym";
    };
  }

  /** How long an endpoint-independent mapping outlives its last outbound packet. */
  static final String MAPPING_TIMEOUT = "5m";

  /** The router's ruleset, one table {@code natlab}, for {@code nft -f -}. */
  String ruleset() {
    return "table ip natlab {\n"
        + (this == ENDPOINT_INDEPENDENT ? EIM_MAPS.replace("TIMEOUT", MAPPING_TIMEOUT) : "")
        + FILTER
        + switch (this) {
          case ENDPOINT_INDEPENDENT -> EIM_NAT;
          case PORT_RESTRICTED -> nat("masquerade");
          case SYMMETRIC -> nat("masquerade fully-random");
        }
        + "}\n";
  }

  private static String nat(String action) {
    return """
      chain postrouting {
        type nat hook postrouting priority srcnat;
        oifname "wan" %s
      }
    """
        .formatted(action);
  }

  /**
   * Nothing unsolicited reaches the router or the LAN except what NAT maps in. Dropping (rather
   * than rejecting) in input matters for hole punching: a peer's early datagram is dropped before
   * conntrack confirms its entry, so it leaves none that would make masquerade move the inside
   * host's reply flow to another port. {@code ct status dnat} admits EIM's mapped-in flows.
   */
  private static final String FILTER =
      """
        chain input {
          type filter hook input priority filter; policy drop;
          iifname { "lo", "lan" } accept
          ct state established,related accept
        }
        chain forward {
          type filter hook forward priority filter; policy drop;
          iifname "lan" oifname "wan" accept
          ct state established,related accept
          ct status dnat accept
        }
      """;

  /**
   * outbound: inside address . protocol . port -> external address . port; inbound: protocol .
   * external port -> inside address . port; held/owners: which external ports are taken, by whom.
   */
  private static final String EIM_MAPS =
      """
        map outbound {
          type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
          flags timeout; timeout TIMEOUT;
        }
        map inbound {
          type inet_proto . inet_service : ipv4_addr . inet_service
          flags timeout; timeout TIMEOUT;
        }
        set held {
          type inet_proto . inet_service
          flags timeout; timeout TIMEOUT;
        }
        set owners {
          type inet_proto . inet_service . ipv4_addr . inet_service
          flags timeout; timeout TIMEOUT;
        }
      """;

  // "meta l4proto { udp, tcp }" on each rule gives nft the protocol context "th"/"proto-src" need.
  private static final String EIM_NAT =
      """
        chain prerouting {
          type nat hook prerouting priority dstnat;
          iifname "wan" meta l4proto { udp, tcp } dnat ip to meta l4proto . th dport map @inbound
        }
        chain postrouting {
          type nat hook postrouting priority srcnat;
          oifname "wan" meta l4proto { udp, tcp } snat ip to ip saddr . meta l4proto . th sport map @outbound
          oifname "wan" meta l4proto { udp, tcp } meta l4proto . th sport @held masquerade fully-random
          oifname "wan" masquerade
        }
        chain record {
          type filter hook postrouting priority srcnat + 10;
          oifname != "wan" accept
          ct direction reply accept
          meta l4proto != { udp, tcp } accept
          meta l4proto { udp, tcp } ct state new meta l4proto . th sport @held meta l4proto . th sport . ct original ip saddr . ct original proto-src != @owners drop
          meta l4proto { udp, tcp } update @outbound { ct original ip saddr . meta l4proto . ct original proto-src : ip saddr . th sport }
          meta l4proto { udp, tcp } update @inbound { meta l4proto . th sport : ct original ip saddr . ct original proto-src }
          meta l4proto { udp, tcp } update @held { meta l4proto . th sport }
          meta l4proto { udp, tcp } update @owners { meta l4proto . th sport . ct original ip saddr . ct original proto-src }
        }
      """;
}
