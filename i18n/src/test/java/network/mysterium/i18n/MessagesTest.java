package network.mysterium.i18n;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.MissingResourceException;
import org.junit.jupiter.api.Test;

class MessagesTest {
  private final Messages messages = Messages.forLocale(Locale.ENGLISH);

  @Test
  void fillsArgumentsIn() {
    assertThat(messages.get("identity.created", "0xAb")).contains("0xAb");
  }

  @Test
  void missingKeyIsAnError() {
    assertThatThrownBy(() -> messages.get("no.such.key"))
        .isInstanceOf(MissingResourceException.class);
  }

  @Test
  void apostrophesSurviveMessageFormat() {
    // MessageFormat eats single quotes unless doubled; every message with arguments must double
    // them.
    for (String key : messages.bundle().keySet()) {
      String pattern = messages.bundle().getString(key);
      if (pattern.contains("{0}")) {
        assertThat(pattern.replace("''", "")).as(key).doesNotContain("'");
      }
    }
  }
}
