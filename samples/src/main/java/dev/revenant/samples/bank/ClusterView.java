package dev.revenant.samples.bank;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** The cluster as the bank's /cluster shows it, and where an account lives. */
final class ClusterView {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClusterView() {}

  /** {"self":"127.0.0.1:C","members":[{"address":…,"status":"up"}],"unreachable":[…]} */
  static ObjectNode of(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    ObjectNode body = JSON.createObjectNode().put("self", hostPort(cluster.selfMember().address()));
    ArrayNode members = body.putArray("members");
    for (Member m : state.getMembers()) {
      members.addObject()
          .put("address", hostPort(m.address()))
          .put("status", m.status().toString().toLowerCase(Locale.ROOT));
    }
    ArrayNode unreachable = body.putArray("unreachable");
    for (Member m : state.getUnreachable()) {
      unreachable.add(hostPort(m.address()));
    }
    return body;
  }

  /** The node an actor lives on: its address, or this node's if the reference is local. */
  static String nodeOf(ActorSystem<?> system, ActorRef<?> ref) {
    Address a = ref.path().address();
    return a.getHost().isPresent()
        ? hostPort(a)
        : hostPort(Cluster.get(system).selfMember().address());
  }

  static String hostPort(Address a) {
    return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
  }
}
