package dev.revenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuilderTest {

  @Test
  void buildNamesEveryMessageClassWithoutAHandler() {
    var builder =
        Recoverable.define("counter", Counter.Msg.class, Counter.State.EMPTY)
            .on(Counter.Add.class, (s, m, ctx) -> s)
            .on(Counter.Get.class, (s, m, ctx) -> s);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REV-E001")
        .hasMessageContaining("[counter]")
        .hasMessageContaining(Counter.Boom.class.getName())
        .hasMessageContaining(Counter.Draw.class.getName())
        .hasMessageContaining(Counter.Poison.class.getName())
        .hasMessageContaining(Counter.Later.class.getName())
        .hasMessageContaining(Counter.Peek.class.getName())
        .hasMessageNotContaining(Counter.Add.class.getName() + ",")
        .hasMessageNotContaining(Counter.Get.class.getName() + ",");
  }

  @Test
  void aHandlerOnASealedSubInterfaceCoversItsClasses() {
    RecoverableBehavior<Counter.Msg, Counter.State> b = Counter.behavior(CheckpointPolicy.DEFAULT);
    assertThat(b.entityType()).isEqualTo("counter");
    assertThat(b.persistenceId("a-1")).isEqualTo("counter|a-1");
  }

  @Test
  void aSecondHandlerForTheSameClassIsRefused() {
    var builder =
        Recoverable.define("counter", Counter.Msg.class, Counter.State.EMPTY)
            .on(Counter.Add.class, (s, m, ctx) -> s);
    assertThatThrownBy(() -> builder.on(Counter.Add.class, (s, m, ctx) -> s))
        .hasMessageContaining("already has a handler for [" + Counter.Add.class.getName() + "]");
  }

  @Test
  void badNamesAreRefusedWithTheValue() {
    assertThatThrownBy(() -> Recoverable.define("bad|type", Counter.Msg.class, Counter.State.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[bad|type]");
    RecoverableBehavior<Counter.Msg, Counter.State> b = Counter.behavior(CheckpointPolicy.DEFAULT);
    assertThatThrownBy(() -> b.create("a|b")).hasMessageContaining("[a|b]");
    assertThatThrownBy(() -> b.create("")).hasMessageContaining("entity id");
  }

  @Test
  void checkpointPolicyRejectsNonsense() {
    assertThatThrownBy(() -> CheckpointPolicy.everyMessages(0))
        .hasMessageContaining("everyMessages must be at least 1, was [0]");
    assertThatThrownBy(() -> CheckpointPolicy.DEFAULT.keepSnapshots(0))
        .hasMessageContaining("keepSnapshots must be at least 1, was [0]");
    assertThat(CheckpointPolicy.everyMessages(5).keepingWholeLog().deleteCoveredMessages()).isFalse();
  }
}
