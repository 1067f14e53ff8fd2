package network.mysterium.app.viewmodel;

/**
 * Asks the user to confirm one transaction before it is sent (the question says what it moves and
 * what it may cost); the app shows a dialog, tests answer it. Called on the FX thread.
 */
@FunctionalInterface
public interface Confirmation {
  boolean confirm(String question);
}
