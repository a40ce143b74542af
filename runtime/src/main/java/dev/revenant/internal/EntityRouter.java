package dev.revenant.internal;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.revenant.EntityAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/** Sends to an {@link EntityAddress} through cluster sharding. */
final class EntityRouter {
  private static final Map<String, EntityTypeKey<Object>> KEYS = new ConcurrentHashMap<>();

  private final ActorSystem<?> system;
  private final Logger log;
  private boolean warned;

  EntityRouter(ActorSystem<?> system, Logger log) {
    this.system = system;
    this.log = log;
  }

  void tell(EntityAddress<?> target, Object message) {
    EntityTypeKey<Object> key;
    try {
      key = KEYS.computeIfAbsent(target.entityType() + "|" + target.messageClass(), k -> {
        try {
          @SuppressWarnings("unchecked")
          Class<Object> c = (Class<Object>) Class.forName(target.messageClass(), false,
              system.dynamicAccess().classLoader());
          return EntityTypeKey.create(c, target.entityType());
        } catch (ClassNotFoundException e) {
          throw new IllegalArgumentException(
              "message class [" + target.messageClass() + "] is not on the classpath", e);
        }
      });
      ClusterSharding.get(system).entityRefFor(key, target.entityId()).tell(message);
    } catch (RuntimeException e) {
      if (!warned) {
        warned = true;
        log.error("[REV-E020] Cannot deliver to [{}]: {}. context.deliver needs the target's"
            + " entity type registered with RecoverableCluster.init on a cluster"
            + " (akka.actor.provider = cluster; one node can be a cluster of one). Deliveries"
            + " stay in the outbox and are retried.", target.persistenceId(), e.toString());
      }
    }
  }
}
