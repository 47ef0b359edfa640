package io.parley.harness;

import java.io.PrintStream;
import java.util.List;

/**
 * Implementations need not be thread-safe (the CLI runs one command, once, on the main thread): one
 * {@link HarnessCli} subcommand, such as {@code proxy}.
 *
 * <p>To add a subcommand, implement this and list it in {@link HarnessCli#COMMANDS}.
 */
public interface Command {

  /** The word that selects this command: {@code proxy}. */
  String name();

  /** One line for the CLI's help. */
  String summary();

  /** The command's own help: its options, their defaults, an example. */
  String usage();

  /**
   * Runs the command; may block until the process is told to stop (a server).
   *
   * @param args the arguments after the command's name
   * @param out where results go (ports, reports)
   * @return the process exit status: 0 for success
   * @throws UsageException when the arguments are wrong; the CLI prints it with the usage
   * @throws Exception when the command fails; the CLI prints it and exits with 1
   */
  int run(List<String> args, PrintStream out) throws Exception;
}
