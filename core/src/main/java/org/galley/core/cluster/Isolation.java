package org.galley.core.cluster;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node is cut off: it sees every other member unreachable, in a cluster of three
 * members or more, where seeing nobody means being the minority (in a cluster of two, each side of
 * a cut sees the same, and the Split Brain Resolver picks one).
 */
public final class Isolation {
  private Isolation() {}

  /** True when there are at least two other members and every one of them is in {@code unreachable}. */
  public static boolean isolated(Set<UniqueAddress> others, Set<UniqueAddress> unreachable) {
    return others.size() >= 2 && unreachable.containsAll(others);
  }

  /** The other members that are joining, up or leaving, by the cluster's read view. */
  public static Set<UniqueAddress> others(Cluster cluster) {
    UniqueAddress self = cluster.selfMember().uniqueAddress();
    Set<UniqueAddress> others = new HashSet<>();
    for (Member m : cluster.state().getMembers()) {
      MemberStatus s = m.status();
      if (!m.uniqueAddress().equals(self) && (s == MemberStatus.up() || s == MemberStatus.weaklyUp()
          || s == MemberStatus.leaving() || s == MemberStatus.joining())) {
        others.add(m.uniqueAddress());
      }
    }
    return others;
  }
}
