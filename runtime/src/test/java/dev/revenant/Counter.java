package dev.revenant;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small recoverable actor the runtime tests drive. */
final class Counter {
  private Counter() {}

  sealed interface Msg extends JournalSerializable
      permits Add, Get, Boom, Draw, Poison, Later, Query {}

  /** Adds {@code n}; replies with the new total. */
  record Add(long n, ActorRef<Reply> replyTo) implements Msg {}

  record Get(ActorRef<State> replyTo) implements Msg {}

  /** The handler throws. */
  record Boom(ActorRef<Reply> replyTo) implements Msg {}

  /** Records what the context hands out. */
  record Draw(ActorRef<Reply> replyTo) implements Msg {}

  /** Cannot be serialized. */
  record Poison(@JsonSerialize(using = Refuse.class) Object payload, ActorRef<Reply> replyTo)
      implements Msg {}

  /** Schedules {@code Add(n)} to self after {@code delayMillis}. */
  record Later(long n, long delayMillis, ActorRef<Reply> replyTo) implements Msg {}

  sealed interface Query extends Msg permits Peek {}

  record Peek(ActorRef<State> replyTo) implements Query {}

  record Reply(long total, long sequenceNr) implements JournalSerializable {}

  record State(long total, List<Long> added, List<String> draws) implements JournalSerializable {
    static final State EMPTY = new State(0, List.of(), List.of());

    State add(long n) {
      List<Long> a = new ArrayList<>(added);
      a.add(n);
      return new State(total + n, a, draws);
    }

    State draw(String d) {
      List<String> l = new ArrayList<>(draws);
      l.add(d);
      return new State(total, added, l);
    }
  }

  static final class Refuse extends JsonSerializer<Object> {
    @Override
    public void serialize(Object v, JsonGenerator g, SerializerProvider p) throws IOException {
      throw new IOException("this payload refuses to be serialized");
    }
  }

  static RecoverableBehavior<Msg, State> behavior(CheckpointPolicy policy) {
    return Recoverable.define("counter", Msg.class, State.EMPTY)
        .on(Add.class, (s, m, ctx) -> {
          State next = s.add(m.n());
          ctx.reply(m.replyTo(), new Reply(next.total(), ctx.sequenceNr()));
          return next;
        })
        .on(Get.class, (s, m, ctx) -> {
          ctx.reply(m.replyTo(), s);
          return s;
        })
        .on(Query.class, (s, m, ctx) -> {
          ctx.reply(((Peek) m).replyTo(), s);
          return s;
        })
        .on(Boom.class, (s, m, ctx) -> {
          ctx.reply(m.replyTo(), new Reply(-1, -1)); // must never be released
          throw new IllegalStateException("boom");
        })
        .on(Draw.class, (s, m, ctx) -> {
          String d = ctx.sequenceNr() + "/" + ctx.now().toEpochMilli() + "/"
              + ctx.random().nextLong() + "/" + ctx.newId() + "/" + ctx.newId();
          ctx.log().info("drew {}", d);
          ctx.reply(m.replyTo(), new Reply(s.total(), ctx.sequenceNr()));
          return s.draw(d);
        })
        .on(Poison.class, (s, m, ctx) -> {
          ctx.reply(m.replyTo(), new Reply(-2, -2));
          return s.add(1000);
        })
        .on(Later.class, (s, m, ctx) -> {
          ctx.startSingleTimer("later", new Add(m.n(), m.replyTo()), Duration.ofMillis(m.delayMillis()));
          ctx.reply(m.replyTo(), new Reply(s.total(), ctx.sequenceNr()));
          return s;
        })
        .checkpoint(policy)
        .build();
  }
}
