package io.parley.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessStatsTest {
  @Test
  void histogramTotalIsTheBytesOfItsLastLine() {
    String jcmdOutput =
        """
        4242:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:          8018         366136  [B (java.base@17.0.15)
           2:          7540         180960  java.lang.String (java.base@17.0.15)
         447:             1             16  sun.nio.fs.LinuxFileSystemProvider (java.base@17.0.15)
        Total         29535        1343800
        """;

    assertThat(ProcessStats.histogramTotalBytes(jcmdOutput)).isEqualTo(OptionalLong.of(1343800));
  }

  @Test
  void outputWithoutATotalLineHasNoTotal() {
    String attachFailure =
        """
        4242:
        com.sun.tools.attach.AttachNotSupportedException: Unable to open socket file
        \tat jdk.attach/sun.tools.attach.VirtualMachineImpl.<init>(VirtualMachineImpl.java:104)
        """;

    assertThat(ProcessStats.histogramTotalBytes(attachFailure)).isEmpty();
    assertThat(ProcessStats.histogramTotalBytes("")).isEmpty();
  }

  @Test
  void aProcessThatIsNotAJvmHasNoLiveHeapAndIsLeftAlone() throws Exception {
    // jcmd would send it SIGQUIT, which kills a process that does not handle it (a Node server).
    Process notAJvm = new ProcessBuilder("sleep", "60").start();
    try {
      assertThat(ProcessStats.liveHeapBytes(notAJvm.pid())).isEmpty();
      assertThat(notAJvm.isAlive()).isTrue();
    } finally {
      notAJvm.destroy();
    }
  }

  @Test
  void aProcessThatDoesNotExistHasNoLiveHeap() {
    assertThat(ProcessStats.liveHeapBytes(Long.MAX_VALUE)).isEmpty();
  }
}
