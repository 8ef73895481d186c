package org.galley.core.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.galley.core.settings.AssignMethod;
import org.galley.core.settings.NodeSettings;
import org.galley.core.settings.StaticHandlers;
import org.galley.protocol.Pools;

/**
 * How a web node decides, at insert, which assignment method brings a new job to a handler: the
 * methods of {@code galley.jobs.assign-with} are tried in order and the first that applies to the
 * job's pool wins, as in Galaxy. A job of a tool mapped to one handler bypasses every method (its
 * pool of one is dispatched by that handler's cluster dispatcher). Pure: no I/O.
 *
 * <ul>
 *   <li>{@code cluster}, {@code db-skip-locked}, {@code db-transaction-isolation}: always apply.
 *   <li>{@code db-preassign}: applies when a static handler serves the pool; one is picked at random
 *       among those that are cluster members now, or among all of them if none is (unlike Galaxy,
 *       whose web workers cannot tell a dead handler from a live one).
 *   <li>{@code db-self}, {@code mem-self}: apply on a node with the handler role serving the pool.
 * </ul>
 */
public final class Assignment {
  /** The method chosen for a job, and the handler it presets (or null). */
  public record Choice(AssignMethod method, String handler) {}

  /** No method applies to the job: the submission fails and writes nothing. */
  public static final class NoMethodApplies extends RuntimeException {
    NoMethodApplies(String message) {
      super(message);
    }
  }

  private final List<AssignMethod> methods;
  private final NodeSettings node;
  private final StaticHandlers statics;
  private final RandomGenerator random;
  private final Predicate<String> isMember;

  /** Every static handler counts as a member. */
  public Assignment(List<AssignMethod> methods, NodeSettings node, StaticHandlers statics, RandomGenerator random) {
    this(methods, node, statics, random, name -> true);
  }

  /** @param isMember whether a server name is a cluster member now, for db-preassign's pick */
  public Assignment(List<AssignMethod> methods, NodeSettings node, StaticHandlers statics, RandomGenerator random,
      Predicate<String> isMember) {
    this.methods = List.copyOf(methods);
    this.node = node;
    this.statics = statics;
    this.random = random;
    this.isMember = isMember;
  }

  /** Only the cluster method, as before methods were configurable. */
  public static Assignment clusterOnly(NodeSettings node) {
    return new Assignment(List.of(AssignMethod.CLUSTER), node, StaticHandlers.NONE, RandomGenerator.getDefault());
  }

  /**
   * @throws NoMethodApplies naming each configured method and why it did not apply
   */
  public Choice choose(String pool) {
    if (Pools.isHandlerPool(pool)) {
      return new Choice(AssignMethod.CLUSTER, null);
    }
    List<String> why = new ArrayList<>();
    for (AssignMethod m : methods) {
      switch (m) {
        case CLUSTER, DB_SKIP_LOCKED, DB_TRANSACTION_ISOLATION -> {
          return new Choice(m, null);
        }
        case DB_PREASSIGN -> {
          List<String> all = statics.ofPool(pool);
          List<String> members = all.stream().filter(isMember).toList();
          List<String> candidates = members.isEmpty() ? all : members;
          if (!candidates.isEmpty()) {
            return new Choice(m, candidates.get(random.nextInt(candidates.size())));
          }
          why.add("db-preassign: no handler in galley.handlers serves pool '" + pool + "'");
        }
        case DB_SELF, MEM_SELF -> {
          if (node.isHandler() && node.servedPools().contains(pool)) {
            return new Choice(m, node.serverName());
          }
          why.add(m.configName() + ": this node (" + node.serverName() + ") "
              + (node.isHandler() ? "does not serve pool '" + pool + "'" : "has no handler role"));
        }
        default -> throw new IllegalStateException("unknown method " + m);
      }
    }
    throw new NoMethodApplies("no assignment method of galley.jobs.assign-with applies to pool '" + pool + "': "
        + String.join("; ", why));
  }
}
