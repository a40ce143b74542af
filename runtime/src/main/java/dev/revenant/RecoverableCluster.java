package dev.revenant;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import com.typesafe.config.Config;
import java.util.Objects;

/**
 * Recoverable actors placed across an Akka cluster: each entity type is sharded, so an entity
 * lives on exactly one node and is addressed by (type, id) from any node. With
 * {@code revenant.cluster.remember-entities = on} (the default) the entities of a node that
 * dies are started again on the surviving nodes at once, not at their next message; their
 * state comes back from the shared journal.
 *
 * <p>The actor system must be started with {@code akka.actor.provider = cluster} and a journal
 * every node reaches ({@code postgres}, {@code mariadb} or {@code h2-server}); configure it with
 * {@link RevenantConfig#load}, which applies the cluster profile
 * ({@code revenant.cluster.profile}).
 */
public final class RecoverableCluster {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;

  private RecoverableCluster(ActorSystem<?> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
  }

  /** The cluster view of this actor system. */
  public static RecoverableCluster get(ActorSystem<?> system) {
    return new RecoverableCluster(Objects.requireNonNull(system, "system"));
  }

  /**
   * Registers an entity type on this node; call it on every node, once, before sending to its
   * entities. Idempotent.
   */
  public <M, S> EntityTypeKey<M> init(RecoverableBehavior<M, S> behavior) {
    Config c = system.settings().config();
    EntityTypeKey<M> key = typeKey(behavior);
    ClusterShardingSettings settings =
        ClusterShardingSettings.create(system)
            .withRememberEntities(c.getBoolean("revenant.cluster.remember-entities"))
            .withRememberEntitiesStoreMode(
                ClusterShardingSettings.RememberEntitiesStoreModeEventSourced$.MODULE$)
            .withJournalPluginId(pluginId(c, "revenant.journal.plugin-id"))
            .withSnapshotPluginId(pluginId(c, "revenant.journal.snapshot-plugin-id"));
    String role = c.getString("revenant.cluster.role");
    if (!role.isEmpty()) {
      settings = settings.withRole(role);
    }
    sharding.init(Entity.of(key, ctx -> behavior.create(ctx.getEntityId())).withSettings(settings));
    return key;
  }

  /** A reference to one entity, wherever in the cluster it lives (or will be started). */
  public <M, S> EntityRef<M> entityRefFor(RecoverableBehavior<M, S> behavior, String entityId) {
    behavior.persistenceId(entityId); // validates the id
    return sharding.entityRefFor(typeKey(behavior), entityId);
  }

  private static <M, S> EntityTypeKey<M> typeKey(RecoverableBehavior<M, S> behavior) {
    return EntityTypeKey.create(behavior.messageType(), behavior.entityType());
  }

  private static String pluginId(Config c, String key) {
    return c.hasPath(key) ? c.getString(key) : "";
  }
}
