package dev.revenant.internal;

import akka.actor.ExtendedActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.SerializerWithStringManifest;
import akka.serialization.Serializers;
import java.io.NotSerializableException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Akka serializer of the journaled {@link MessageEnvelope}: the envelope's own fields in a fixed
 * binary layout and the user's message nested as Akka's persistence serializer nests an event
 * (serializer id, manifest, bytes of the message's own serializer, Jackson CBOR for {@code
 * JournalSerializable} messages). Decoding the envelope through Jackson's property-based creator
 * and its class-name type id was most of a replay's decoding work.
 *
 * <p>Layout, version 1, big-endian: version byte; flags byte (1: timer key, 2: reliable channel,
 * 4: rejected); receive time, seed, writer (8 bytes each); the timer key if flagged; the sender's
 * persistence id and delivery sequence number if flagged; the message's serializer id (4 bytes),
 * manifest and bytes (4-byte length, then the bytes). Strings are a 4-byte length and UTF-8.
 *
 * <p>Entries written before this serializer existed carry Jackson's id and are read by Jackson.
 * A Revenant version without this serializer cannot read entries written with it.
 */
public final class EnvelopeSerializer extends SerializerWithStringManifest {
  /** Stored with every entry; never change it ("R", "E", "V": 82, 69, 86). */
  public static final int IDENTIFIER = 826_986;

  static final String ENVELOPE_MANIFEST = "E";
  private static final byte VERSION = 1;
  private static final int TIMER = 1;
  private static final int CHANNEL = 2;
  private static final int REJECTED = 4;

  private final ExtendedActorSystem system;
  private volatile Serialization serialization;
  private volatile NestedMessageReader reader;

  public EnvelopeSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof MessageEnvelope) {
      return ENVELOPE_MANIFEST;
    }
    throw new IllegalArgumentException(
        "EnvelopeSerializer serializes only MessageEnvelope, not [" + o.getClass().getName() + "]");
  }

  /** Akka's serialization, looked up on first use (serializers are built while it starts). */
  private Serialization serialization() {
    Serialization s = serialization;
    if (s == null) {
      s = SerializationExtension.get(system);
      serialization = s;
    }
    return s;
  }

  private NestedMessageReader reader() {
    NestedMessageReader r = reader;
    if (r == null) {
      r = new NestedMessageReader(system, serialization());
      reader = r;
    }
    return r;
  }

  /**
   * A message class's serializer, as Akka finds it for the class, and the manifest it writes
   * for the class where that depends on the class alone (Akka's Jackson serializers: the class
   * name, with its migration's version; Jackson's manifest also checks the class against the
   * allowed ones each time, which costs more than the rest of an envelope's fields).
   */
  private static final class Nested {
    final Serializer serializer;
    final boolean classOnly;
    volatile byte[] manifest;

    Nested(Serializer serializer) {
      this.serializer = serializer;
      this.classOnly = serializer instanceof akka.serialization.jackson.JacksonSerializer
          || !(serializer instanceof SerializerWithStringManifest);
    }
  }

  /** Per message class; per serializer, as each actor system has its own. */
  private final ConcurrentHashMap<Class<?>, Nested> nested = new ConcurrentHashMap<>();

  private Nested nested(Object message) {
    Nested n = nested.get(message.getClass());
    if (n == null) {
      n = nested.computeIfAbsent(message.getClass(),
          type -> new Nested(serialization().findSerializerFor(message)));
    }
    return n;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!(o instanceof MessageEnvelope e)) {
      throw new IllegalArgumentException("EnvelopeSerializer serializes only MessageEnvelope, not ["
          + (o == null ? "null" : o.getClass().getName()) + "]");
    }
    byte[] done = e.serialized();
    if (done != null) {
      return done;
    }
    Object message = e.message();
    Nested nested = nested(message);
    Serializer serializer = nested.serializer;
    byte[] payload = serializer.toBinary(message);
    byte[] manifest = nested.manifest;
    if (manifest == null) {
      manifest = utf8(Serializers.manifestFor(serializer, message));
      if (nested.classOnly) {
        nested.manifest = manifest;
      }
    }
    byte[] timerKey = e.timerKey() == null ? null : utf8(e.timerKey());
    byte[] from = e.from() == null ? null : utf8(e.from());
    int size = 2 + 3 * 8
        + (timerKey == null ? 0 : 4 + timerKey.length)
        + (from == null ? 0 : 4 + from.length + 8)
        + 4 + 4 + manifest.length + 4 + payload.length;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION);
    b.put((byte) ((timerKey == null ? 0 : TIMER) | (from == null ? 0 : CHANNEL)
        | (e.rejected() ? REJECTED : 0)));
    b.putLong(e.receivedAtMillis()).putLong(e.seed()).putLong(e.writer());
    if (timerKey != null) {
      b.putInt(timerKey.length).put(timerKey);
    }
    if (from != null) {
      b.putInt(from.length).put(from).putLong(e.deliverySeq());
    }
    b.putInt(serializer.identifier());
    b.putInt(manifest.length).put(manifest);
    b.putInt(payload.length).put(payload);
    byte[] bytes = b.array();
    e.serialized(bytes);
    return bytes;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!ENVELOPE_MANIFEST.equals(manifest)) {
      throw new NotSerializableException("[REV-E014] Unknown manifest [" + manifest + "] for"
          + " Revenant's envelope serializer (id " + IDENTIFIER + "); written by a later version?");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      byte version = b.get();
      if (version != VERSION) {
        throw new NotSerializableException("[REV-E014] Logged message envelope of format version ["
            + version + "]; this Revenant reads version [" + VERSION + "]: written by a later"
            + " version, or not an envelope");
      }
      int flags = b.get();
      long receivedAt = b.getLong();
      long seed = b.getLong();
      long writer = b.getLong();
      String timerKey = (flags & TIMER) != 0 ? string(b) : null;
      String from = null;
      long deliverySeq = 0;
      if ((flags & CHANNEL) != 0) {
        from = string(b);
        deliverySeq = b.getLong();
      }
      int messageSerializer = b.getInt();
      int manifestLength = length(b);
      int manifestFrom = b.position();
      b.position(manifestFrom + manifestLength);
      byte[] payload = new byte[length(b)];
      b.get(payload);
      if (b.hasRemaining()) {
        throw new NotSerializableException("[REV-E014] Logged message envelope has "
            + b.remaining() + " bytes after its message: corrupt, or not an envelope of version "
            + VERSION);
      }
      Object message =
          reader().read(payload, messageSerializer, bytes, manifestFrom, manifestLength);
      return new MessageEnvelope(message, receivedAt, seed, writer, timerKey, from,
          deliverySeq, (flags & REJECTED) != 0);
    } catch (BufferUnderflowException e) {
      throw new NotSerializableException("[REV-E014] Logged message envelope is truncated ("
          + bytes.length + " bytes)");
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int length(ByteBuffer b) throws NotSerializableException {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new NotSerializableException("[REV-E014] Logged message envelope has a field of length "
          + n + " with " + b.remaining() + " bytes left; it is corrupt or truncated");
    }
    return n;
  }

  private static String string(ByteBuffer b) throws NotSerializableException {
    int n = length(b);
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }
}
