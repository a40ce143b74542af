package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.Serialization$;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves each serialized typed {@link ActorRef} once per actor system instead of once per
 * message: Akka's own deserializer parses the path as a URI and walks the actor tree every
 * time, which was ~13 % of the CPU of replaying 100,000 logged messages that each carry a
 * reply address. The same path resolves to an equal reference every time (the path carries the
 * actor's uid, so a new incarnation is a new path); the cache is emptied when it holds {@value
 * #MAX_ENTRIES} paths. Writing, it keeps the path strings of recently written actors in a
 * fixed number of slots (see {@link CachingSerializer}). Registered for the jackson-cbor binding
 * by the runtime's reference.conf, after Akka's modules, so that it takes precedence.
 */
public final class ActorRefCacheModule extends SimpleModule {
  static final int MAX_ENTRIES = 10_000;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public ActorRefCacheModule() {
    super("revenant-actor-ref-cache");
    addDeserializer((Class) ActorRef.class, new CachingDeserializer());
    addSerializer((Class) ActorRef.class, new CachingSerializer());
  }

  /**
   * The actor system Akka's serialization is working for on this thread. (Akka's own getter
   * throws without saying what was being done.)
   */
  private static akka.actor.ActorSystem currentSystem(Object ref, String verb) {
    Serialization.Information info = Serialization$.MODULE$.currentTransportInformation().value();
    if (info == null) {
      // The message is built here only: this runs for every reference written or read.
      throw new IllegalStateException("an ActorRef [" + ref + "] can only be " + verb
          + " by Akka's serialization (no actor system is set for this thread)");
    }
    return info.system();
  }

  /**
   * Reading, each path is first looked up in a fixed number of slots chosen by its length and
   * last characters (where the paths of two actors differ: their names and uids), compared by
   * content, and only then in a map by the whole string: a path read from the journal is a new
   * string each time, so the map's lookup hashed all of its 60-90 characters for every replayed
   * message (a quarter of decoding a message carrying one in a replay on MariaDB, JFR).
   */
  private static final class CachingDeserializer extends StdScalarDeserializer<ActorRef<?>> {
    private static final int SLOTS = 1024;
    /** How many characters at the end of a path choose its slot. */
    private static final int TAIL = 12;

    private record Resolved(akka.actor.ActorSystem system, String path, ActorRef<?> ref) {}

    // Entries are immutable records, so a racy read sees a whole one or none.
    private final Resolved[] slots = new Resolved[SLOTS];
    private final ConcurrentHashMap<String, Resolved> cache = new ConcurrentHashMap<>();

    CachingDeserializer() {
      super(ActorRef.class);
    }

    static int slot(String path) {
      int n = path.length();
      int h = n;
      for (int i = Math.max(0, n - TAIL); i < n; i++) {
        h = 31 * h + path.charAt(i);
      }
      return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    @Override
    public ActorRef<?> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (ActorRef<?>) ctx.handleUnexpectedToken(ActorRef.class, p);
      }
      String path = p.getText();
      akka.actor.ActorSystem system = currentSystem(path, "deserialized");
      int slot = slot(path);
      Resolved hit = slots[slot];
      if (hit != null && hit.system() == system && hit.path().equals(path)) {
        return hit.ref();
      }
      hit = cache.get(path);
      if (hit == null || hit.system() != system) {
        hit = new Resolved(system, path,
            ActorRefResolver.get(Adapter.toTyped(system)).resolveActorRef(path));
        if (cache.size() >= MAX_ENTRIES) {
          cache.clear();
        }
        cache.put(path, hit);
      }
      slots[slot] = hit;
      return hit.ref();
    }
  }

  /**
   * Writes each reply address's path string once per referenced actor instead of once per
   * message: Akka's serializer checks the actor's system and builds the string from the path's
   * elements and the system's address every time (~2 % of the CPU of W1's entities, whose every
   * message carries its driver's address). Entries are keyed by the identity of the actor's path
   * (which holds no reference to the actor itself, so a cached entry keeps no stopped actor
   * alive) and of the actor system; a slot is overwritten by the next path that hashes to it.
   */
  private static final class CachingSerializer extends StdScalarSerializer<ActorRef<?>> {
    private static final int SLOTS = 1024;

    private record Written(akka.actor.ActorPath path, akka.actor.ActorSystem system,
        String format) {}

    // Entries are immutable records, so a racy read sees a whole one or none.
    private final Written[] slots = new Written[SLOTS];

    @SuppressWarnings({"unchecked", "rawtypes"})
    CachingSerializer() {
      super((Class) ActorRef.class);
    }

    @Override
    public void serialize(ActorRef<?> ref, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      akka.actor.ActorSystem system = currentSystem(ref, "serialized");
      akka.actor.ActorPath path = ref.path();
      int slot = System.identityHashCode(path) & (SLOTS - 1);
      Written hit = slots[slot];
      if (hit == null || hit.path() != path || hit.system() != system) {
        hit = new Written(path, system,
            ActorRefResolver.get(Adapter.toTyped(system)).toSerializationFormat(ref));
        slots[slot] = hit;
      }
      gen.writeString(hit.format());
    }
  }
}
