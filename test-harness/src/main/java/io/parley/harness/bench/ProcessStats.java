package io.parley.harness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and resident memory of a process, read from Linux's {@code /proc}, and the live heap of
 * a JVM, from {@code jcmd}. Stateless and thread-safe.
 */
public final class ProcessStats {
  /** Clock ticks per second of {@code /proc/<pid>/stat} times; 100 on every Linux we run on. */
  static final long CLOCK_TICKS_PER_SECOND = clockTicks();

  private ProcessStats() {}

  /** User plus system CPU time the process has used, in nanoseconds. */
  public static long cpuNanos(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may hold spaces; fields are counted after its closing ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
  }

  /** Resident set size, in bytes. */
  public static long rssBytes(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  /**
   * The live heap of a HotSpot JVM: the bytes of all objects after a full GC, from {@code jcmd
   * <pid> GC.class_histogram} (which runs that GC). Empty when the process is not a JVM, or when
   * jcmd is missing, fails or takes over a minute.
   *
   * <p>The process must be checked first: to a process without a running attach listener jcmd sends
   * {@code SIGQUIT}, which kills a Node server. Only a process that has {@code libjvm.so} mapped is
   * asked.
   */
  public static OptionalLong liveHeapBytes(long pid) {
    if (!isHotSpotJvm(pid)) {
      return OptionalLong.empty();
    }
    Path output = null;
    try {
      output = Files.createTempFile("parley-jcmd-", ".txt");
      Process jcmd =
          new ProcessBuilder(List.of(jcmd(), Long.toString(pid), "GC.class_histogram"))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!jcmd.waitFor(1, TimeUnit.MINUTES)) {
        jcmd.destroyForcibly();
        return OptionalLong.empty();
      }
      return jcmd.exitValue() == 0
          ? histogramTotalBytes(Files.readString(output))
          : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a leftover temporary file is harmless
        }
      }
    }
  }

  /**
   * The total bytes of a class histogram, from its last {@code Total <instances> <bytes>} line;
   * empty when there is none.
   */
  static OptionalLong histogramTotalBytes(String histogram) {
    String[] lines = histogram.strip().split("\\R");
    String[] fields = lines[lines.length - 1].strip().split("\\s+");
    if (fields.length != 3 || !fields[0].equals("Total")) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(fields[2]));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static boolean isHotSpotJvm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "maps")).contains("/libjvm.so");
    } catch (IOException e) {
      return false;
    }
  }

  /** The jcmd beside the running java, else the one on the {@code PATH}. */
  private static String jcmd() {
    return ProcessHandle.current()
        .info()
        .command()
        .map(java -> Path.of(java).resolveSibling("jcmd"))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .orElse("jcmd");
  }

  /** This machine's load average over the last minute. */
  public static double loadAverage() {
    return Double.parseDouble(read(Path.of("/proc/loadavg")).split(" ")[0]);
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder(List.of("getconf", "CLK_TCK")).start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
