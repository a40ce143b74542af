package dev.revenant.internal;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves each serialized typed {@link ActorRef} once per actor system instead of once per
 * message: Akka's own deserializer parses the path as a URI and walks the actor tree every
 * time, which was ~13 % of the CPU of replaying 100,000 logged messages that each carry a
 * reply address. The same path resolves to an equal reference every time (the path carries the
 * actor's uid, so a new incarnation is a new path); the cache is emptied when it holds {@value
 * #MAX_ENTRIES} paths. Registered for the jackson-cbor binding by the runtime's reference.conf,
 * after Akka's modules, so that it takes precedence.
 */
public final class ActorRefCacheModule extends SimpleModule {
  static final int MAX_ENTRIES = 10_000;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public ActorRefCacheModule() {
    super("revenant-actor-ref-cache");
    addDeserializer((Class) ActorRef.class, new CachingDeserializer());
  }

  private static final class CachingDeserializer extends StdScalarDeserializer<ActorRef<?>> {
    private record Resolved(akka.actor.ActorSystem system, ActorRef<?> ref) {}

    private final ConcurrentHashMap<String, Resolved> cache = new ConcurrentHashMap<>();

    CachingDeserializer() {
      super(ActorRef.class);
    }

    @Override
    public ActorRef<?> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (ActorRef<?>) ctx.handleUnexpectedToken(ActorRef.class, p);
      }
      String path = p.getText();
      Serialization.Information info = Serialization.getCurrentTransportInformation();
      if (info == null) {
        throw new IllegalStateException("an ActorRef [" + path + "] can only be deserialized by"
            + " Akka's serialization (no actor system is set for this thread)");
      }
      akka.actor.ActorSystem system = info.system();
      Resolved hit = cache.get(path);
      if (hit != null && hit.system() == system) {
        return hit.ref();
      }
      ActorRef<?> ref = ActorRefResolver.get(Adapter.toTyped(system)).resolveActorRef(path);
      if (cache.size() >= MAX_ENTRIES) {
        cache.clear();
      }
      cache.put(path, new Resolved(system, ref));
      return ref;
    }
  }
}
