package io.meshpilot.loadtest.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessProbeTest {
  @Test
  void cpuTicksAreUtimePlusStimeCountedAfterTheCommandName() {
    // a command name with spaces and a ')' must not shift the fields
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 57 0 100 0 0";
    assertThat(ProcessProbe.parseCpuTicks(stat)).isEqualTo(1750);
  }

  @Test
  void rssComesFromVmRssInKilobytes() {
    assertThat(ProcessProbe.parseVmRss(List.of("Name:\tjava", "VmPeak:\t  999 kB", "VmRSS:\t  2048 kB")))
        .isEqualTo(OptionalLong.of(2048 * 1024));
    assertThat(ProcessProbe.parseVmRss(List.of("Name:\tzombie"))).isEmpty();
  }

  @Test
  void aServerThatIsNotAJvmIsLeftAliveWithoutAHeapFigure() throws Exception {
    // jcmd would send it SIGQUIT, which ends a Go server such as istiod
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      ProcessProbe probe = new ProcessProbe(sleeper.pid(),
          Path.of(System.getProperty("java.home"), "bin", "jcmd"));

      assertThat(probe.liveHeapBytes()).isEmpty();
      assertThat(sleeper.isAlive()).isTrue();
      assertThat(probe.rssBytes()).isNotEmpty();
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void theHeapOfAJvmIsMeasured() {
    ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid(),
        Path.of(System.getProperty("java.home"), "bin", "jcmd"));
    assertThat(self.liveHeapBytes()).isNotEmpty();
  }

  @Test
  void liveHeapIsTheHistogramsTotalBytes() {
    assertThat(ProcessProbe.parseHistogramTotal("Total       1234567      98765432")).isEqualTo(OptionalLong.of(98765432));
    assertThat(ProcessProbe.parseHistogramTotal("4242: Unable to open socket file")).isEmpty();
  }
}
