package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendBudgetTest {
  private final List<Runnable> resumed = new ArrayList<>();
  private final SendBudget budget = new SendBudget(100, resumed::add);

  @Test
  void bytesBeyondTheLimitWaitUntilOthersAreReleasedAndTheWaiterIsResumed() {
    Runnable waiter = () -> { };
    assertThat(budget.tryAcquire(80, waiter)).isTrue();
    assertThat(budget.tryAcquire(30, waiter)).isFalse();
    assertThat(budget.tryAcquire(30, waiter)).isFalse();
    assertThat(budget.used()).isEqualTo(80);

    budget.release(80);

    assertThat(resumed).containsExactly(waiter);
    assertThat(budget.used()).isZero();
    assertThat(budget.tryAcquire(30, waiter)).isTrue();
  }

  @Test
  void aReleaseResumesOnlyAsManyWaitersAsTheFreedBytesFitOldestFirst() {
    Runnable first = () -> { };
    Runnable second = () -> { };
    Runnable third = () -> { };
    budget.tryAcquire(90, () -> { });
    budget.tryAcquire(40, first);
    budget.tryAcquire(40, second);
    budget.tryAcquire(40, third);

    budget.release(90);
    assertThat(resumed).containsExactly(first, second);

    budget.release(0);
    assertThat(resumed).containsExactly(first, second, third);
  }

  @Test
  void oneResponseLargerThanTheWholeBudgetStillGoesWhenNothingElseIsInFlight() {
    assertThat(budget.tryAcquire(500, () -> { })).isTrue();
    assertThat(budget.tryAcquire(1, () -> { })).isFalse();
  }

  @Test
  void aZeroLimitIsUnbounded() {
    SendBudget unbounded = new SendBudget(0, resumed::add);
    assertThat(unbounded.tryAcquire(1L << 40, () -> { })).isTrue();
    assertThat(unbounded.tryAcquire(1L << 40, () -> { })).isTrue();
  }
}
