package dev.revenant.internal;

import akka.actor.ExtendedActorSystem;
import akka.serialization.Serialization;
import akka.serialization.Serializer;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import akka.serialization.jackson.JacksonSerializer;
import com.fasterxml.jackson.databind.ObjectReader;
import com.typesafe.config.Config;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the user's message nested in a journal envelope: what {@code
 * serialization.deserialize(bytes, serializerId, manifest)} returns, with less work per entry
 * for Jackson messages.
 *
 * <p>For every entry, Akka's Jackson serializer parses the manifest, looks the class up by name
 * ({@code Class.forName}), checks it against the deny list and the serialization bindings, and
 * looks for a migration before Jackson reads the bytes: about two thirds of decoding a small
 * message here (1.7 µs of which Jackson's own read was 0.6 µs). Those steps depend only on the
 * serializer and the manifest. So the first entry of each (serializer, manifest) is read by
 * Akka, with every check; if that succeeds, the message's class is bound to a Jackson serializer
 * whose configuration has no migration for it, and the manifest names it without a version, the
 * following entries of that manifest are read by the same serializer's {@code ObjectMapper}
 * directly, as Akka itself reads them when there is no migration. Anything else goes through
 * Akka each time: other serializers, compressed bytes, a class with a migration, a versioned
 * manifest, a call without Akka's transport information (needed to resolve actor references),
 * and any entry the direct read fails on (so a bad entry gets exactly Akka's error).
 */
final class NestedMessageReader {
  /** How to read one (serializer, manifest): directly with {@code reader}, or through Akka. */
  private record Route(int serializerId, byte[] manifestUtf8, String manifest, ObjectReader reader) {
    boolean matches(int id, byte[] bytes, int from, int length) {
      return serializerId == id
          && Arrays.equals(manifestUtf8, 0, manifestUtf8.length, bytes, from, from + length);
    }
  }

  private final ExtendedActorSystem system;
  private final Serialization serialization;
  private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
  /** The route of the previous entry: replayed entries are mostly of one or a few classes. */
  private volatile Route last;

  NestedMessageReader(ExtendedActorSystem system, Serialization serialization) {
    this.system = system;
    this.serialization = serialization;
  }

  /**
   * The message of serializer {@code serializerId} whose manifest is the UTF-8 in {@code
   * envelope[manifestFrom, manifestFrom + manifestLength)} and whose bytes are {@code payload}.
   */
  Object read(byte[] payload, int serializerId, byte[] envelope, int manifestFrom,
      int manifestLength) throws NotSerializableException {
    Route route = last;
    if (route == null || !route.matches(serializerId, envelope, manifestFrom, manifestLength)) {
      String manifest =
          new String(envelope, manifestFrom, manifestLength, StandardCharsets.UTF_8);
      route = routes.get(serializerId + ":" + manifest);
      if (route == null) {
        // First entry of this manifest: Akka reads it with every check, then the route is known.
        Object message = throughAkka(payload, serializerId, manifest);
        route = routeFor(serializerId, manifest, message);
        routes.putIfAbsent(serializerId + ":" + manifest, route);
        last = route;
        return message;
      }
      last = route;
    }
    if (route.reader != null
        && !JacksonSerializer.isGZipped(payload) && !JacksonSerializer.isLZ4(payload)
        && akka.serialization.Serialization$.MODULE$.currentTransportInformation().value() != null) {
      try {
        return route.reader.readValue(payload);
      } catch (Exception e) {
        // Fall through: Akka reads it again and reports the failure in its own words.
      }
    }
    return throughAkka(payload, serializerId, route.manifest);
  }

  private Route routeFor(int serializerId, String manifest, Object message) {
    byte[] utf8 = manifest.getBytes(StandardCharsets.UTF_8);
    Serializer serializer = serialization.serializerByIdentity().get(serializerId).getOrElse(() -> null);
    ObjectReader reader = null;
    if (serializer instanceof JacksonSerializer jackson
        && message.getClass().getName().equals(manifest)
        && !manifest.contains("#") && !manifest.endsWith("$")) {
      Config conf = JacksonObjectMapperProvider.configForBinding(
          jackson.bindingName(), system.settings().config());
      boolean plain = conf.getBoolean("type-in-manifest")
          && conf.getString("deserialization-type").isEmpty()
          && !conf.getConfig("migrations").root().containsKey(manifest);
      if (plain) {
        reader = jackson.objectMapper().readerFor(message.getClass());
      }
    }
    return new Route(serializerId, utf8, manifest, reader);
  }

  private Object throughAkka(byte[] payload, int serializerId, String manifest)
      throws NotSerializableException {
    scala.util.Try<Object> message = serialization.deserialize(payload, serializerId, manifest);
    if (message.isFailure()) {
      NotSerializableException e = new NotSerializableException("[REV-E014] The message in a"
          + " logged envelope cannot be read by serializer [" + serializerId
          + "] with manifest [" + manifest + "]: " + message.failed().get());
      e.initCause(message.failed().get());
      throw e;
    }
    return message.get();
  }
}
