package network.mysterium.api;

import io.javalin.http.Context;
import java.util.Optional;
import java.util.Set;

/** Query parameters, checked as a {@link Body}'s fields are: only known names, each once. */
final class Query {
  private final Context ctx;

  private Query(Context ctx) {
    this.ctx = ctx;
  }

  static Query of(Context ctx, Set<String> known) {
    for (var entry : ctx.queryParamMap().entrySet()) {
      if (!known.contains(entry.getKey())) {
        throw ApiException.badRequest("unknown parameter " + quoted(entry.getKey()));
      }
      if (entry.getValue().size() > 1) {
        throw ApiException.badRequest(quoted(entry.getKey()) + " is given more than once");
      }
    }
    return new Query(ctx);
  }

  Optional<String> text(String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > 100) {
      throw ApiException.badRequest(name + " is too long");
    }
    return Optional.of(value);
  }

  Optional<Long> whole(String name, long min, long max) {
    Optional<String> text = text(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    long n;
    try {
      n = Long.parseLong(text.get());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number");
    }
    if (n < min || n > max) {
      throw ApiException.badRequest(name + " must be within " + min + ".." + max);
    }
    return Optional.of(n);
  }

  boolean flag(String name) {
    return switch (text(name).orElse("false")) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiException.badRequest(name + " must be true or false");
    };
  }

  /** A name from a request, cut and quoted for an error message. */
  static String quoted(String name) {
    String cut = name.length() > 40 ? name.substring(0, 40) + "…" : name;
    return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
  }
}
