package org.galley.web.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.galley.core.metrics.JobActivity;
import org.galley.web.auth.Auth;
import org.galley.web.auth.Caller;
import org.galley.web.http.Json;

/**
 * What the dashboard shows of the cluster as a whole (admin only): {@code GET /api/cluster}, the
 * members as this node sees them (address, status, reachability, Galley roles, pools, server name),
 * read from the cluster's in-memory state; and {@code GET /api/activity}, the last minutes of jobs
 * ended and started per second with their dispatch latency, from this node's {@link JobActivity}
 * samples. Neither touches the database at the request.
 */
public final class ClusterRoutes extends AllDirectives {
  private final Auth auth;
  private final Optional<Cluster> cluster;
  private final JobActivity activity;

  public ClusterRoutes(ActorSystem<?> system, Auth auth, JobActivity activity) {
    this.auth = auth;
    this.activity = activity;
    this.cluster = clusterOf(system);
  }

  /** The cluster of a node; empty for an actor system without one (tests of the API alone). */
  private static Optional<Cluster> clusterOf(ActorSystem<?> system) {
    try {
      return Optional.of(Cluster.get(system));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public Route route() {
    return concat(
        path("cluster", () -> get(() -> admin(caller -> complete(Json.response(StatusCodes.OK, members()))))),
        path("activity", () -> get(() -> admin(caller -> complete(Json.response(StatusCodes.OK, activity()))))));
  }

  private Route admin(Function<Caller, Route> inner) {
    return auth.authenticated(caller -> auth.admin(caller, () -> inner.apply(caller)));
  }

  ObjectNode members() {
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("members");
    if (cluster.isEmpty()) {
      body.put("clustered", false);
      return body;
    }
    body.put("clustered", true);
    ClusterEvent.CurrentClusterState state = cluster.get().state();
    Member self = cluster.get().selfMember();
    var leader = state.leader();
    for (Member m : state.getMembers()) {
      ObjectNode o = list.addObject();
      TreeSet<String> roles = new TreeSet<>();
      TreeSet<String> pools = new TreeSet<>();
      String server = null;
      for (String r : m.getRoles()) {
        if (r.startsWith("pool:")) {
          pools.add(r.substring("pool:".length()));
        } else if (r.startsWith("server:")) {
          server = r.substring("server:".length());
        } else if (r.equals("web") || r.equals("handler")) {
          roles.add(r);
        }
      }
      o.put("address", m.address().toString()).put("server_name", server)
          .put("status", m.status().toString().toLowerCase(java.util.Locale.ROOT))
          .put("reachable", !state.getUnreachable().contains(m))
          .put("self", m.equals(self)).put("leader", leader.isDefined() && leader.get().equals(m.address()));
      roles.forEach(o.putArray("roles")::add);
      pools.forEach(o.putArray("pools")::add);
    }
    return body;
  }

  ObjectNode activity() {
    ObjectNode body = Json.object().put("interval_seconds", JobActivity.INTERVAL.toSeconds());
    ArrayNode list = body.putArray("samples");
    for (JobActivity.Sample s : activity.samples()) {
      ObjectNode o = list.addObject().put("time", s.time().toString())
          .put("ended_per_s", rate(s.ended(), s.seconds())).put("started_per_s", rate(s.started(), s.seconds()))
          .put("ended", s.ended()).put("started", s.started());
      if (s.dispatchP50Seconds() != null) {
        o.put("dispatch_p50_s", s.dispatchP50Seconds()).put("dispatch_p95_s", s.dispatchP95Seconds());
      } else {
        o.putNull("dispatch_p50_s").putNull("dispatch_p95_s");
      }
    }
    return body;
  }

  private static double rate(long n, double seconds) {
    return seconds <= 0 ? 0 : Math.round(n / seconds * 100) / 100.0;
  }
}
