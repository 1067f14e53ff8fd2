package network.mysterium.app;

import javafx.application.Application;

/**
 * Starts the app from a plain class path (a main class that is not an Application itself, so the
 * JavaFX launcher does not insist on modules).
 */
public final class AppMain {
  private AppMain() {}

  public static void main(String[] args) {
    Application.launch(MysteriumApp.class, args);
  }
}
