package network.mysterium.cli.discovery;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.UserError;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.location.HttpPublicAddressSource;
import network.mysterium.location.IpLocationDatabase;
import network.mysterium.location.LocationDetector;
import picocli.CommandLine.Option;

/** How a provider finds where it serves from, unless --country and --asn say it. */
public final class LocationOptions {
  /** Set by the launcher and the installers to where the IP location data lies. */
  public static final String GEODATA_PROPERTY = "mysterium.geodata";

  @Option(
      names = "--public-address-service",
      paramLabel = "URL",
      descriptionKey = "public-address-service")
  private URI publicAddressService = HttpPublicAddressSource.DEFAULT;

  @Option(names = "--geodata", paramLabel = "DIR", descriptionKey = "geodata")
  private Path geodata;

  /** The configured country and ASN, the missing ones looked up (and said where they came from). */
  public ServiceProposal.Place detect(MysteriumCommand root, String country, Long asn) {
    Optional<String> configuredCountry =
        Optional.ofNullable(country).map(c -> c.toUpperCase(Locale.ROOT));
    OptionalLong configuredAsn = asn == null ? OptionalLong.empty() : OptionalLong.of(asn);
    if (configuredCountry.isPresent() && configuredAsn.isPresent()) {
      return place(configuredCountry.get(), configuredAsn.getAsLong());
    }
    Path data = geodata(root);
    try (IpLocationDatabase database = IpLocationDatabase.open(data)) {
      LocationDetector.Detected detected =
          new LocationDetector(new HttpPublicAddressSource(publicAddressService), database)
              .detect(configuredCountry, configuredAsn);
      root.say(
          "provider.location",
          detected.place().country(),
          Long.toString(detected.place().asn()),
          detected.lookedUp().map(a -> a.getHostAddress()).orElse("-"));
      return detected.place();
    } catch (IOException | LocationDetector.LocationException e) {
      throw new UserError("error.location", e.getMessage());
    }
  }

  private Path geodata(MysteriumCommand root) {
    if (geodata != null) {
      return geodata;
    }
    String configured = System.getProperty(GEODATA_PROPERTY);
    return configured != null
        ? Path.of(configured)
        : root.dataDirectory().root().resolve("geodata");
  }

  private static ServiceProposal.Place place(String country, long asn) {
    try {
      return new ServiceProposal.Place(country, asn);
    } catch (IllegalArgumentException e) {
      throw new UserError("error.invalid-input", e.getMessage());
    }
  }
}
