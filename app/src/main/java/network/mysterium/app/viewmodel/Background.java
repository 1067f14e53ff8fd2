package network.mysterium.app.viewmodel;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Runs node calls off the FX thread and hands their results back on it: nothing that waits for the
 * chain or the network ever blocks the window.
 */
public final class Background implements AutoCloseable {
  private final ExecutorService workers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("app-work-", 0).factory());
  private final Executor fxThread;

  /**
   * @param fxThread where results go (the FX application thread: {@code Platform::runLater})
   */
  public Background(Executor fxThread) {
    this.fxThread = fxThread;
  }

  /** A call that may fail. */
  @FunctionalInterface
  public interface Work<T> extends Callable<T> {}

  public <T> void run(Work<T> work, Consumer<T> done, Consumer<Exception> failed) {
    workers.submit(
        () -> {
          try {
            T result = work.call();
            fxThread.execute(() -> done.accept(result));
          } catch (Exception e) {
            fxThread.execute(() -> failed.accept(e));
          }
        });
  }

  /** Hands something to the FX thread (e.g. a node event). */
  public void onFxThread(Runnable action) {
    fxThread.execute(action);
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
