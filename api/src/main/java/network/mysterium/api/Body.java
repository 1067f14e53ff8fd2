package network.mysterium.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import network.mysterium.crypto.Address;
import network.mysterium.money.Myst;

/**
 * A request's JSON object, read field by field with the checks every hostile input gets: an object,
 * only known fields, each of its type; amounts as short decimal strings (a number or an exponent
 * like {@code 1e999999999} never reaches the arithmetic).
 */
final class Body {
  private static final Pattern AMOUNT = Pattern.compile("[0-9]{1,30}(\\.[0-9]{1,18})?");
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

  private final JsonNode json;

  private Body(JsonNode json) {
    this.json = json;
  }

  /** The body as an object with no fields but {@code known}; an empty body is an empty object. */
  static Body parse(ObjectMapper mapper, String text, Set<String> known) {
    JsonNode json;
    try {
      json = text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not JSON");
    }
    if (json == null || !json.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw ApiException.badRequest("unknown field " + Query.quoted(name));
      }
    }
    return new Body(json);
  }

  Optional<String> text(String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual() || value.textValue().length() > 200) {
      throw ApiException.badRequest(field + " must be a string (at most 200 characters)");
    }
    return Optional.of(value.textValue());
  }

  String requiredText(String field) {
    return text(field).orElseThrow(() -> ApiException.badRequest(field + " is required"));
  }

  /** A nested JSON object, as it came (its reader checks its own fields). */
  Optional<JsonNode> object(String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw ApiException.badRequest(field + " must be a JSON object");
    }
    return Optional.of(value);
  }

  Optional<Boolean> bool(String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw ApiException.badRequest(field + " must be true or false");
    }
    return Optional.of(value.booleanValue());
  }

  Optional<Long> whole(String field, long min, long max) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw ApiException.badRequest(field + " must be a whole number");
    }
    long n = value.longValue();
    if (n < min || n > max) {
      throw ApiException.badRequest(field + " must be within " + min + ".." + max);
    }
    return Optional.of(n);
  }

  /** A MYST amount, as a decimal string such as {@code "0.05"}. */
  Optional<Myst> myst(String field) {
    return text(field).map(t -> amount(field, t));
  }

  /** The text of an amount, checked for its shape only (the node checks the rest). */
  Optional<String> amountText(String field) {
    Optional<String> text = text(field);
    text.ifPresent(t -> amount(field, t));
    return text;
  }

  Optional<Address> address(String field) {
    return text(field).map(t -> address(field, t));
  }

  static Myst amount(String field, String text) {
    if (!AMOUNT.matcher(text).matches()) {
      throw ApiException.badRequest(field + " must be a decimal MYST amount such as \"0.5\"");
    }
    return Myst.parse(text);
  }

  static Address address(String field, String text) {
    if (!ADDRESS.matcher(text).matches()) {
      throw ApiException.badRequest(field + " must be a 0x-hex address");
    }
    return Address.parse(text);
  }
}
