package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import dev.revenant.JournalSerializable;
import dev.revenant.RevenantConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reply addresses in logged messages resolve to working references, per actor system. */
class ActorRefCacheModuleTest {
  record Ping(String text, ActorRef<String> replyTo) implements JournalSerializable {}

  private static Ping roundTrip(ActorTestKit kit, Ping ping) {
    Serialization ser = SerializationExtension.get(Adapter.toClassic(kit.system()));
    Serializer serializer = ser.findSerializerFor(ping);
    assertThat(serializer.getClass().getSimpleName()).isEqualTo("JacksonCborSerializer");
    byte[] bytes = ser.serialize(ping).get();
    return (Ping) ser.deserialize(bytes, serializer.identifier(),
        akka.serialization.Serializers.manifestFor(serializer, ping)).get();
  }

  @Test
  void theSamePathResolvesToAWorkingEqualReferenceEveryTime() {
    ActorTestKit kit = ActorTestKit.create("ref-cache", RevenantConfig.load(Map.of()));
    try {
      assertThat(JacksonObjectMapperProvider.get(Adapter.toClassic(kit.system()))
              .getOrCreate("jackson-cbor", Optional.empty()).getRegisteredModuleIds())
          .contains("revenant-actor-ref-cache");
      TestProbe<String> probe = kit.createTestProbe();
      TestProbe<String> other = kit.createTestProbe();
      Ping first = roundTrip(kit, new Ping("a", probe.ref()));
      Ping second = roundTrip(kit, new Ping("b", probe.ref()));
      Ping third = roundTrip(kit, new Ping("c", other.ref()));
      assertThat(first.replyTo()).isEqualTo(probe.ref()).isEqualTo(second.replyTo());
      assertThat(third.replyTo()).isEqualTo(other.ref());
      second.replyTo().tell("reached");
      probe.expectMessage(Duration.ofSeconds(5), "reached");
      third.replyTo().tell("elsewhere");
      other.expectMessage(Duration.ofSeconds(5), "elsewhere");
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aPathFromAnotherActorSystemIsResolvedInTheCurrentOne() {
    ActorTestKit a = ActorTestKit.create("ref-cache-same-name", RevenantConfig.load(Map.of()));
    ActorTestKit b = ActorTestKit.create("ref-cache-same-name", RevenantConfig.load(Map.of()));
    try {
      TestProbe<String> inA = a.createTestProbe();
      Ping viaA = roundTrip(a, new Ping("a", inA.ref()));
      assertThat(viaA.replyTo()).isEqualTo(inA.ref());
      // The same bytes read by the other system (same name, same path) must not hand out a's ref.
      Serialization serB = SerializationExtension.get(Adapter.toClassic(b.system()));
      Serialization serA = SerializationExtension.get(Adapter.toClassic(a.system()));
      Ping ping = new Ping("x", inA.ref());
      Serializer s = serA.findSerializerFor(ping);
      byte[] bytes = serA.serialize(ping).get();
      Ping inB = (Ping) serB.deserialize(bytes, s.identifier(),
          akka.serialization.Serializers.manifestFor(s, ping)).get();
      assertThat(Adapter.toClassic(inB.replyTo()))
          .isNotSameAs(Adapter.toClassic(inA.ref()));
    } finally {
      a.shutdownTestKit();
      b.shutdownTestKit();
    }
  }
}
