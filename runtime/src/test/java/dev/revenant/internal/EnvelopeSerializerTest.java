package dev.revenant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import dev.revenant.JournalSerializable;
import dev.revenant.RevenantConfig;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The journal entry format: round trips, entries of the earlier Jackson format, bad bytes. */
class EnvelopeSerializerTest {
  record Ping(String text, long n) implements JournalSerializable {}

  record Ask(String text, ActorRef<String> replyTo) implements JournalSerializable {}

  /** Not bound to any serializer (Java serialization is off). */
  record Unbound(String text) {}

  private static ActorTestKit kit;
  private static Serialization ser;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("envelope-serializer", RevenantConfig.load(Map.of()));
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
  void aMessageItsSerializerCannotReadIsNamedWithThatSerializer() {
    byte[] good = write(new MessageEnvelope(new Ping("abc", 5), 1L, 2L, 3L, null));
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
