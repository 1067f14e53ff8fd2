package network.mysterium.location;

import com.maxmind.db.Reader;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Country and autonomous system of an IP address, from open data files laid out as the npm packages
 * of the ip-location-db project install them: {@code
 * geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb} (MaxMind DB, CC0) and {@code
 * asn/asn-ipv4-num.csv}, {@code asn/asn-ipv6-num.csv} (address ranges as integers, CC-BY). A
 * provider looks itself up once when it starts, so the ASN files are scanned rather than loaded.
 */
public final class IpLocationDatabase implements AutoCloseable {
  static final String COUNTRY_FILE = "geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb";
  static final String ASN_V4_FILE = "asn/asn-ipv4-num.csv";
  static final String ASN_V6_FILE = "asn/asn-ipv6-num.csv";

  private final Reader countries;
  private final Path asnV4;
  private final Path asnV6;

  private IpLocationDatabase(Reader countries, Path asnV4, Path asnV6) {
    this.countries = countries;
    this.asnV4 = asnV4;
    this.asnV6 = asnV6;
  }

  /** Opens the data under a root folder, or says which file is missing. */
  public static IpLocationDatabase open(Path root) throws IOException {
    for (String file : new String[] {COUNTRY_FILE, ASN_V4_FILE, ASN_V6_FILE}) {
      if (!Files.isRegularFile(root.resolve(file))) {
        throw new IOException(
            "IP location data is missing: no "
                + root.resolve(file)
                + " (install it with `npm ci` in node-core/geodata, or give the country and ASN"
                + " yourself)");
      }
    }
    return new IpLocationDatabase(
        new Reader(root.resolve(COUNTRY_FILE).toFile()),
        root.resolve(ASN_V4_FILE),
        root.resolve(ASN_V6_FILE));
  }

  /** The ISO 3166-1 alpha-2 country (upper case) the address is registered or located in. */
  public Optional<String> country(InetAddress address) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> record = countries.get(address, Map.class);
    if (record == null || !(record.get("country_code") instanceof String code)) {
      return Optional.empty();
    }
    return code.length() == 2
        ? Optional.of(code.toUpperCase(java.util.Locale.ROOT))
        : Optional.empty();
  }

  /** The number of the autonomous system that announces the address. */
  public OptionalLong asn(InetAddress address) throws IOException {
    BigInteger value = new BigInteger(1, address.getAddress());
    Path table = address instanceof Inet4Address ? asnV4 : asnV6;
    try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        int first = line.indexOf(',');
        int second = line.indexOf(',', first + 1);
        int third = line.indexOf(',', second + 1);
        if (first < 0 || second < 0) {
          continue;
        }
        // Rows are sorted by start: past the address, nothing later can hold it.
        BigInteger start = new BigInteger(line.substring(0, first));
        if (start.compareTo(value) > 0) {
          return OptionalLong.empty();
        }
        BigInteger end = new BigInteger(line.substring(first + 1, second));
        if (end.compareTo(value) >= 0) {
          return OptionalLong.of(
              Long.parseLong(line.substring(second + 1, third < 0 ? line.length() : third)));
        }
      }
    }
    return OptionalLong.empty();
  }

  @Override
  public void close() throws IOException {
    countries.close();
  }
}
