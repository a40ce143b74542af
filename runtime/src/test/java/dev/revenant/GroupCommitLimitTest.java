package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The largest group commit allowed ({@code revenant.group-commit.max-batch-size = 256}) under a
 * burst. Akka unstashes the messages that waited for a write recursively, so the handler of the
 * last message of a batch runs deep in the stack: about 13 frames per message before it in the
 * batch (52 frames with batches of 1, 1,339 with 100, 3,367 with 256, measured with Akka 2.8.5).
 * With 1,000 the dispatcher threads overflowed their stacks, which is why the size is capped.
 */
class GroupCommitLimitTest {
  private static final int BURST = 20_000;
  /**
   * A guard well under the ~13,000 frames at which batches of 1,000 overflowed the dispatcher
   * threads' stacks: deeper than this, the cap of 256 would leave users' handlers little room.
   */
  private static final long MAX_FRAMES = 5_000;

  private final ActorTestKit kit = ActorTestKit.create("GroupCommitLimitTest",
      ConfigFactory.parseString("revenant.group-commit.max-batch-size = 256")
          .withFallback(ConfigFactory.load(
              ConfigFactory.parseResources("application-test-journal.conf"))));

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aBurstAtTheLargestBatchSizeIsAnsweredInOrderWithRoomOnTheStack() {
    AtomicLong deepest = new AtomicLong();
    RecoverableBehavior<Counter.Msg, Counter.State> behavior =
        Recoverable.define("limit", Counter.Msg.class, Counter.State.EMPTY)
            .on(Counter.Add.class, (s, m, ctx) -> {
              deepest.accumulateAndGet(StackWalker.getInstance().walk(f -> f.count()), Math::max);
              Counter.State next = new Counter.State(s.total() + m.n(), List.of(), List.of());
              ctx.reply(m.replyTo(), new Counter.Reply(next.total(), ctx.sequenceNr()));
              return next;
            })
            .on(Counter.Msg.class, (s, m, ctx) -> s)
            .build();
    ActorRef<Counter.Msg> entity = kit.spawn(behavior.create("burst"));
    TestProbe<Counter.Reply> probe = kit.createTestProbe();
    for (int i = 0; i < BURST; i++) {
      entity.tell(new Counter.Add(1, probe.ref()));
    }
    List<Counter.Reply> replies = probe.receiveSeveralMessages(BURST, Duration.ofSeconds(60));
    for (int i = 0; i < BURST; i++) {
      assertThat(replies.get(i).total()).as("reply %d", i).isEqualTo(i + 1);
    }
    System.out.println("group commit at 256: deepest handler stack " + deepest.get() + " frames");
    assertThat(deepest.get())
        .as("frames on the stack of the deepest handler call at max-batch-size 256")
        .isGreaterThan(256)
        .isLessThan(MAX_FRAMES);
  }
}
