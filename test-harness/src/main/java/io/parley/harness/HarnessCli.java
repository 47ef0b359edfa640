package io.parley.harness;

import io.parley.harness.scenario.RunCommand;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Not thread-safe ({@link #main} runs one command on the main thread): the harness's command line,
 * {@code parley-harness <command> [options]}.
 *
 * <pre>
 * java -jar test-harness/target/parley-test-harness-*-all.jar proxy --upstream 127.0.0.1:8080
 * java -jar test-harness/target/parley-test-harness-*-all.jar run test-harness/scenarios/x.yaml
 * </pre>
 *
 * <p>Exit status: 0 success, 1 failure, 2 bad usage.
 */
public final class HarnessCli {

  /** Every subcommand. Add new ones here. */
  static final List<Command> COMMANDS =
      List.of(new ProxyCommand(), new BenchCommand(), new BenchReportCommand(), new RunCommand());

  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  private HarnessCli() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /**
   * Runs the command {@code args} name and returns the exit status; prints help for {@code help},
   * {@code --help}, {@code -h} or nothing.
   */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.get(0))) {
      Optional<Command> topic = args.size() > 1 ? find(args.get(1)) : Optional.empty();
      out.print(topic.map(Command::usage).orElseGet(HarnessCli::usage));
      return args.isEmpty() ? EXIT_USAGE : 0;
    }
    Optional<Command> command = find(args.get(0));
    if (command.isEmpty()) {
      err.println("unknown command '" + args.get(0) + "'");
      err.print(usage());
      return EXIT_USAGE;
    }
    List<String> rest = args.subList(1, args.size());
    if (rest.contains("--help") || rest.contains("-h")) {
      out.print(command.get().usage());
      return 0;
    }
    try {
      return command.get().run(rest, out);
    } catch (UsageException e) {
      err.println(command.get().name() + ": " + e.getMessage());
      err.print(command.get().usage());
      return EXIT_USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(command.get().name() + ": interrupted");
      return EXIT_FAILURE;
    } catch (Exception e) {
      err.println(command.get().name() + " failed: " + e);
      e.printStackTrace(err);
      return EXIT_FAILURE;
    }
  }

  private static Optional<Command> find(String name) {
    return COMMANDS.stream().filter(command -> command.name().equals(name)).findFirst();
  }

  static String usage() {
    String commands =
        COMMANDS.stream()
            .map(command -> String.format("  %-8s %s%n", command.name(), command.summary()))
            .collect(Collectors.joining());
    return "usage: parley-harness <command> [options]\n\ncommands:\n"
        + commands
        + "\n'parley-harness help <command>' shows a command's options.\n";
  }
}
