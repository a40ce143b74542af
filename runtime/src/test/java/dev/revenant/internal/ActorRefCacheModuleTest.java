package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.Serialization$;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import dev.revenant.JournalSerializable;
import dev.revenant.RevenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reply addresses in logged messages resolve to working references, per actor system. */
class ActorRefCacheModuleTest {
  record Ping(String text, ActorRef<String> replyTo) implements JournalSerializable {}

  /** Writes with the mapper as Akka's serialization would, for the given actor system. */
  private static byte[] writeIn(
      akka.actor.ExtendedActorSystem system, ObjectMapper mapper, Object value) {
    return Serialization$.MODULE$.withTransportInformation(system, () -> {
      try {
        return mapper.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

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

  /**
   * More actors than the reading cache has slots, read back in two orders and again: each path
   * resolves to its own actor (paths that share a slot replace each other there), and a path
   * read again after its slot was taken by another still resolves to its own.
   */
  @Test
  void everyPathResolvesToItsOwnActorWhenPathsShareSlots() {
    ActorTestKit kit = ActorTestKit.create("ref-read-slots", RevenantConfig.load(Map.of()));
    try {
      List<ActorRef<String>> refs = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        refs.add(kit.spawn(Behaviors.<String>empty(), "empty-" + i));
      }
      List<Ping> pings = new ArrayList<>();
      for (ActorRef<String> ref : refs) {
        pings.add(new Ping("p", ref));
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < refs.size(); i++) {
          int k = round == 1 ? refs.size() - 1 - i : i;
          assertThat(roundTrip(kit, pings.get(k)).replyTo()).isEqualTo(refs.get(k));
        }
      }
      TestProbe<String> probe = kit.createTestProbe();
      for (int i = 0; i < 3; i++) {
        roundTrip(kit, new Ping("x", refs.get(i))).replyTo();
        roundTrip(kit, new Ping("y", probe.ref())).replyTo().tell("reached " + i);
        probe.expectMessage(Duration.ofSeconds(5), "reached " + i);
      }
    } finally {
      kit.shutdownTestKit();
    }
  }

  /**
   * Written paths are Akka's own, for more actors than the cache has slots (so entries are
   * overwritten), in both orders; a reference of another actor system is refused as Akka refuses
   * it, even after the first system wrote it.
   */
  @Test
  void writtenPathsAreAkkasForEveryActorAndForeignReferencesAreRefused() throws Exception {
    ActorTestKit a = ActorTestKit.create("ref-write", RevenantConfig.load(Map.of()));
    ActorTestKit b = ActorTestKit.create("ref-write-other", RevenantConfig.load(Map.of()));
    try {
      ObjectMapper mapper = JacksonObjectMapperProvider.get(Adapter.toClassic(a.system()))
          .getOrCreate("jackson-cbor", Optional.empty());
      ActorRefResolver resolver = ActorRefResolver.get(a.system());
      List<ActorRef<String>> refs = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        refs.add(a.spawn(Behaviors.<String>empty(), "empty-" + i));
      }
      assertThat(mapper.getSerializerProviderInstance()
              .findValueSerializer(refs.get(0).getClass()).getClass().getSimpleName())
          .as("the serializer Akka's mapper uses for references")
          .isEqualTo("CachingSerializer");
      Serialization ser = SerializationExtension.get(Adapter.toClassic(a.system()));
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < refs.size(); i++) {
          ActorRef<String> ref = refs.get(round == 0 ? i : refs.size() - 1 - i);
          byte[] bytes = ser.serialize(new Ping("p", ref)).get();
          assertThat(mapper.readTree(bytes).get("replyTo").asText())
              .isEqualTo(resolver.toSerializationFormat(ref));
        }
      }
      Ping fromA = new Ping("x", refs.get(0));
      assertThat(ser.serialize(fromA).isSuccess()).isTrue();
      scala.util.Try<byte[]> inB =
          SerializationExtension.get(Adapter.toClassic(b.system())).serialize(fromA);
      assertThat(inB.isFailure()).as("a's reference written by b").isTrue();
      assertThat(inB.failed().get()).hasStackTraceContaining("shouldn't be used for");
      // Each system has its own module; one instance shared by both (a custom mapper factory)
      // must not hand b the string it cached for a either.
      ObjectMapper shared = new ObjectMapper(new CBORFactory())
          .registerModule(new ActorRefCacheModule());
      akka.actor.ExtendedActorSystem classicA =
          (akka.actor.ExtendedActorSystem) Adapter.toClassic(a.system());
      akka.actor.ExtendedActorSystem classicB =
          (akka.actor.ExtendedActorSystem) Adapter.toClassic(b.system());
      byte[] viaA = writeIn(classicA, shared, fromA);
      assertThat(shared.readTree(viaA).get("replyTo").asText())
          .isEqualTo(resolver.toSerializationFormat(refs.get(0)));
      assertThatThrownBy(() -> writeIn(classicB, shared, fromA))
          .hasStackTraceContaining("shouldn't be used for");
      // Outside Akka's serialization there is no system to write for: the error says so.
      assertThatThrownBy(() -> shared.writeValueAsBytes(fromA))
          .hasStackTraceContaining("can only be serialized by Akka's serialization (no actor"
              + " system is set for this thread)");
    } finally {
      a.shutdownTestKit();
      b.shutdownTestKit();
    }
  }
}
