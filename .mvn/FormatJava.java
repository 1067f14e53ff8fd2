import com.google.googlejavaformat.java.Formatter;
import com.google.googlejavaformat.java.FormatterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The build's format check: formats every Java source of every module with google-java-format and
 * either lists the files that differ (mode "check", fails the build) or rewrites them ("apply").
 * Run by Maven on the toolchain JDK through the source launcher; see the root pom.
 */
public class FormatJava {
  private static final Set<String> SKIPPED = Set.of("target", "node_modules", ".git", ".mvn");

  public static void main(String[] args) throws IOException {
    if (args.length != 2 || !(args[0].equals("check") || args[0].equals("apply"))) {
      System.err.println("usage: FormatJava check|apply ROOT");
      System.exit(2);
    }
    boolean apply = args[0].equals("apply");
    Formatter formatter = new Formatter();
    List<Path> unformatted = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    int count = 0;
    for (Path file : javaSources(Path.of(args[1]))) {
      count++;
      String source = Files.readString(file, StandardCharsets.UTF_8);
      String formatted;
      try {
        formatted = formatter.formatSourceAndFixImports(source);
      } catch (FormatterException e) {
        broken.add(file + ": " + e.getMessage());
        continue;
      }
      if (!formatted.equals(source)) {
        if (apply) {
          Files.writeString(file, formatted, StandardCharsets.UTF_8);
        }
        unformatted.add(file);
      }
    }
    broken.forEach(System.err::println);
    if (apply) {
      System.out.printf("format: %d of %d Java files rewritten%n", unformatted.size(), count);
    } else if (!unformatted.isEmpty()) {
      unformatted.forEach(f -> System.err.println("not formatted: " + f));
      System.err.println(
          "format: run `./mvnw -Dformat.mode=apply validate` to format these files");
      System.exit(1);
    } else {
      System.out.printf("format: %d Java files checked, all formatted%n", count);
    }
    if (!broken.isEmpty()) {
      System.exit(1);
    }
  }

  private static List<Path> javaSources(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> {
            for (Path part : root.relativize(p)) {
              if (SKIPPED.contains(part.toString())) {
                return false;
              }
            }
            return true;
          })
          .sorted()
          .forEach(files::add);
    }
    return files;
  }
}
