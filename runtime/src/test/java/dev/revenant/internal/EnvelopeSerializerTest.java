package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonMigration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.revenant.JournalSerializable;
import dev.revenant.RevenantConfig;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import akka.actor.ExtendedActorSystem;
import akka.serialization.SerializerWithStringManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The journal entry format: round trips, entries of the earlier Jackson format, bad bytes. */
class EnvelopeSerializerTest {
  record Ping(String text, long n) implements JournalSerializable {}

  record Ask(String text, ActorRef<String> replyTo) implements JournalSerializable {}

  /** Not bound to any serializer (Java serialization is off). */
  record Unbound(String text) {}

  /** Has a migration: entries of version 1 lack {@code length}. */
  record Versioned(String text, int length) implements JournalSerializable {}

  /** Version 2 of {@link Versioned}: fills in {@code length} for entries of version 1. */
  public static final class VersionedMigration extends JacksonMigration {
    @Override
    public int currentVersion() {
      return 2;
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
      if (fromVersion < 2) {
        ((ObjectNode) json).put("length", json.get("text").asText().length());
      }
      return json;
    }
  }

  /** Its serializer names each value's kind in the manifest: no manifest per class. */
  record Shape(String kind, int size) {}

  /** Writes a {@link Shape}'s size, with its kind as the manifest. */
  public static final class ShapeSerializer extends SerializerWithStringManifest {
    public ShapeSerializer(ExtendedActorSystem system) {}

    @Override
    public int identifier() {
      return 4_711;
    }

    @Override
    public String manifest(Object o) {
      return ((Shape) o).kind();
    }

    @Override
    public byte[] toBinary(Object o) {
      return ByteBuffer.allocate(4).putInt(((Shape) o).size()).array();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) {
      return new Shape(manifest, ByteBuffer.wrap(bytes).getInt());
    }
  }

  private static ActorTestKit kit;
  private static Serialization ser;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("envelope-serializer", RevenantConfig.load(Map.of(
        "akka.serialization.jackson.migrations.\"" + Versioned.class.getName() + "\"",
        VersionedMigration.class.getName(),
        "akka.actor.serializers.shape", ShapeSerializer.class.getName(),
        "akka.actor.serialization-bindings.\"" + Shape.class.getName() + "\"", "shape")));
    ser = SerializationExtension.get(Adapter.toClassic(kit.system()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static byte[] write(MessageEnvelope e) {
    return ser.serialize(e).get();
  }

  private static Object read(byte[] bytes) throws Throwable {
    scala.util.Try<Object> t =
        ser.deserialize(bytes, EnvelopeSerializer.IDENTIFIER, EnvelopeSerializer.ENVELOPE_MANIFEST);
    if (t.isFailure()) {
      throw t.failed().get();
    }
    return t.get();
  }

  /** An envelope of the current layout around any message bytes. */
  private static byte[] envelopeAround(int serializerId, String manifest, byte[] payload) {
    byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + 3 * 8 + 4 + 4 + m.length + 4 + payload.length);
    b.put((byte) 1).put((byte) 0).putLong(1L).putLong(2L).putLong(3L);
    b.putInt(serializerId).putInt(m.length).put(m).putInt(payload.length).put(payload);
    return b.array();
  }

  private static Object messageOf(byte[] envelope) throws Throwable {
    return ((MessageEnvelope) read(envelope)).message();
  }

  @Test
  void envelopesAreWrittenByTheEnvelopeSerializerAndReadBackEqual() throws Throwable {
    MessageEnvelope plain = new MessageEnvelope(new Ping("héllo", 42), 1764140000000L, -7L,
        0x1234abcdL, null);
    MessageEnvelope full = new MessageEnvelope(new Ping("t", 1), 1764140000001L, 9L, 5L, "tick",
        "bank|a", 17L, true);
    MessageEnvelope channelOnly = new MessageEnvelope(new Ping("", 0), 0L, 0L, 0L, null,
        "bank|b", 3L, false);
    for (MessageEnvelope e : new MessageEnvelope[] {plain, full, channelOnly}) {
      assertThat(ser.findSerializerFor(e)).isInstanceOf(EnvelopeSerializer.class);
      byte[] bytes = write(e);
      Object back = read(bytes);
      assertThat(back).isEqualTo(e).isNotSameAs(e);
      // The same value always makes the same bytes.
      assertThat(write((MessageEnvelope) back)).isEqualTo(bytes);
    }
  }

  @Test
  void aReplyAddressInTheMessageStillWorksAfterTheRoundTrip() throws Throwable {
    TestProbe<String> probe = kit.createTestProbe();
    MessageEnvelope e = new MessageEnvelope(new Ask("a", probe.ref()), 1L, 2L, 3L, null);
    Ask back = (Ask) ((MessageEnvelope) read(write(e))).message();
    assertThat(back.replyTo()).isEqualTo(probe.ref());
    back.replyTo().tell("reached");
    probe.expectMessage(Duration.ofSeconds(5), "reached");
  }

  /**
   * After the first entry of a class, entries are read by its Jackson mapper directly: values,
   * reply addresses and the switch between classes must come out as through Akka.
   */
  @Test
  void manyEntriesOfSeveralClassesReadBackEqualWithWorkingReplyAddresses() throws Throwable {
    List<TestProbe<String>> probes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      probes.add(kit.createTestProbe());
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < probes.size(); i++) {
        Ping ping = new Ping("p" + round + i, round * 10L + i);
        assertThat(messageOf(write(new MessageEnvelope(ping, 1L, 2L, 3L, null)))).isEqualTo(ping);
        Ask ask = new Ask("a" + i, probes.get(i).ref());
        Ask back = (Ask) messageOf(write(new MessageEnvelope(ask, 1L, 2L, 3L, null)));
        assertThat(back).isEqualTo(ask);
        back.replyTo().tell("reached " + round);
        probes.get(i).expectMessage(Duration.ofSeconds(5), "reached " + round);
      }
    }
  }

  /**
   * The serializer's own entry point, called without Akka's transport information (which
   * resolving an actor reference needs), still reads every entry.
   */
  @Test
  void entriesReadOutsideAkkasSerializationStillResolveReplyAddresses() throws Throwable {
    TestProbe<String> probe = kit.createTestProbe();
    EnvelopeSerializer direct = (EnvelopeSerializer) ser.serializerByIdentity()
        .get(EnvelopeSerializer.IDENTIFIER).get();
    byte[] bytes = write(new MessageEnvelope(new Ask("a", probe.ref()), 1L, 2L, 3L, null));
    for (int i = 0; i < 3; i++) {
      MessageEnvelope e =
          (MessageEnvelope) direct.fromBinary(bytes, EnvelopeSerializer.ENVELOPE_MANIFEST);
      assertThat(((Ask) e.message()).replyTo()).isEqualTo(probe.ref());
    }
  }

  /** A configured migration runs on every entry of an earlier version, not only the first. */
  @Test
  void aMigrationIsAppliedToEveryEntryOfAnEarlierVersion() throws Throwable {
    byte[] current = ser.serialize(new Versioned("abc", 7)).get();
    assertThat(Serializers.manifestFor(ser.findSerializerFor(new Versioned("x", 1)),
        new Versioned("x", 1))).isEqualTo(Versioned.class.getName() + "#2");
    // Version 1 wrote no length: its bytes are those of length 0 under the bare class name.
    byte[] v1 = envelopeAround(33, Versioned.class.getName(),
        ser.serialize(new Versioned("abcd", 0)).get());
    for (int i = 0; i < 3; i++) {
      assertThat(messageOf(v1)).isEqualTo(new Versioned("abcd", 4));
      assertThat(messageOf(envelopeAround(33, Versioned.class.getName() + "#2", current)))
          .isEqualTo(new Versioned("abc", 7));
    }
  }

  /** Akka reads gzip-compressed Jackson bytes whatever the configuration; so must the journal. */
  @Test
  void aCompressedMessageIsReadLikeAnyOther() throws Throwable {
    Ping ping = new Ping("zipped", 3);
    byte[] plain = ser.serialize(ping).get();
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(plain);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(messageOf(envelopeAround(33, Ping.class.getName(), plain))).isEqualTo(ping);
      assertThat(messageOf(envelopeAround(33, Ping.class.getName(), zipped.toByteArray())))
          .isEqualTo(ping);
    }
  }

  /**
   * The envelope keeps a message class's manifest only where the serializer's manifest depends
   * on the class alone (Jackson's: the class name and the migration's version).
   */
  @Test
  void eachMessageIsWrittenWithTheManifestItsSerializerGivesIt() throws Throwable {
    for (int i = 0; i < 3; i++) {
      for (String kind : List.of("circle", "square", "triangle")) {
        Shape shape = new Shape(kind, kind.length() + i);
        assertThat(messageOf(write(new MessageEnvelope(shape, 1L, 2L, 3L, null))))
            .isEqualTo(shape);
      }
      Versioned v = new Versioned("abc" + i, 3 + i);
      byte[] bytes = write(new MessageEnvelope(v, 1L, 2L, 3L, null));
      assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
          .contains(Versioned.class.getName() + "#2");
      assertThat(messageOf(bytes)).isEqualTo(v);
    }
  }

  @Test
  void theSecondSerializationOfAnEnvelopeReusesTheFirstsBytes() {
    MessageEnvelope e = new MessageEnvelope(new Ping("x", 1), 1L, 2L, 3L, null);
    byte[] first = write(e);
    assertThat(write(e)).isSameAs(first);
  }

  /** Written by Revenant before the envelope had its own serializer (commit ce1303d). */
  @Test
  void entriesOfTheEarlierJacksonFormatAreStillRead() {
    String[] legacy = {
      "bf676d657373616765bf6640636c61737378316465762e726576656e616e742e696e7465726e616c2e456e76"
          + "656c6f706553657269616c697a6572546573742450696e6764746578746668c3a96c6c6f616e182aff70"
          + "726563656976656441744d696c6c69731b0000019abef02300647365656426667772697465721a1234ab"
          + "cdff",
      "bf676d657373616765bf6640636c61737378316465762e726576656e616e742e696e7465726e616c2e456e76"
          + "656c6f706553657269616c697a6572546573742450696e6764746578746174616e01ff70726563656976"
          + "656441744d696c6c69731b0000019abef0230164736565640966777269746572056874696d65724b6579"
          + "647469636b6466726f6d6662616e6b7c616b64656c6976657279536571116872656a6563746564f5ff"};
    MessageEnvelope[] expected = {
      new MessageEnvelope(new Ping("héllo", 42), 1764140000000L, -7L, 0x1234abcdL, null),
      new MessageEnvelope(new Ping("t", 1), 1764140000001L, 9L, 5L, "tick", "bank|a", 17L, true)};
    for (int i = 0; i < legacy.length; i++) {
      Object read = ser.deserialize(HexFormat.of().parseHex(legacy[i]), 33,
          "dev.revenant.internal.MessageEnvelope").get();
      assertThat(read).isEqualTo(expected[i]);
    }
  }

  @Test
  void anUnserializableMessageFailsTheEnvelopesSerializationNamingItsClass() {
    scala.util.Try<byte[]> t =
        ser.serialize(new MessageEnvelope(new Unbound("x"), 1L, 2L, 3L, null));
    assertThat(t.isFailure()).isTrue();
    assertThat(t.failed().get().toString()).contains(Unbound.class.getName());
  }

  @Test
  void badBytesGetAnErrorThatSaysWhatIsWrong() {
    byte[] good = write(new MessageEnvelope(new Ping("abc", 5), 1L, 2L, 3L, "timer"));
    assertThatThrownBy(() -> read(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("REV-E014").hasMessageContaining("corrupt or truncated");
    assertThatThrownBy(() -> read(Arrays.copyOf(good, 10)))
        .isInstanceOf(NotSerializableException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> read(new byte[0]))
        .isInstanceOf(NotSerializableException.class).hasMessageContaining("truncated");
    byte[] later = good.clone();
    later[0] = 9;
    assertThatThrownBy(() -> read(later))
        .isInstanceOf(NotSerializableException.class).hasMessageContaining("version [9]");
    byte[] trailing = Arrays.copyOf(good, good.length + 2);
    assertThatThrownBy(() -> read(trailing))
        .isInstanceOf(NotSerializableException.class).hasMessageContaining("2 bytes after");
    assertThatThrownBy(() -> ser.deserialize(good, EnvelopeSerializer.IDENTIFIER, "X").get())
        .isInstanceOf(NotSerializableException.class).hasMessageContaining("manifest [X]");
  }

  @Test
  void aMessageItsSerializerCannotReadIsNamedWithThatSerializer() throws Throwable {
    byte[] good = write(new MessageEnvelope(new Ping("abc", 5), 1L, 2L, 3L, null));
    // Read a good entry of the class first, so that the broken one is not the first of it.
    assertThat(messageOf(good)).isEqualTo(new Ping("abc", 5));
    // The message's bytes are the last ones: break them.
    byte[] broken = good.clone();
    for (int i = broken.length - 6; i < broken.length; i++) {
      broken[i] = (byte) 0xff;
    }
    assertThatThrownBy(() -> read(broken))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("REV-E014")
        .hasMessageContaining("serializer [33]")
        .hasMessageContaining(Ping.class.getName());
  }
}
