package org.galley.ops.cli;

import java.util.List;
import org.galley.ops.cli.config.ProcessSet;
import org.galley.ops.cli.supervisor.ControlClient;

/**
 * {@code galley admin-key rotate | finish}: a new admin key without downtime, in two rolling
 * restarts. {@code rotate} makes the new key, keeps the old one as the previous key, and restarts
 * every node, after which every node accepts both: clients move to the new key at their own pace.
 * {@code finish} drops the previous key and restarts again, after which only the new key works.
 */
final class AdminKeyCommand implements Command {
  @Override
  public String name() {
    return "admin-key";
  }

  @Override
  public String summary() {
    return "rotate the admin key without downtime (rotate, then finish)";
  }

  @Override
  public String usage() {
    return """
        usage: galley admin-key rotate|finish [--config FILE]
          rotate: write a new key to STATE-DIR/admin.key, keep the old one in admin.key.previous, and
                  run `galley graceful`: then every node accepts both keys. Move clients to the new key.
          finish: delete admin.key.previous and run `galley graceful`: then the old key is refused.
          Only for a generated key: with admin-key set in the config, change it there instead. On
          several machines, give every machine the same two files before each step.
        """;
  }

  @Override
  public int run(Cli.Context context, List<String> args) throws Exception {
    if (args.size() != 1 || !List.of("rotate", "finish").contains(args.get(0))) {
      System.err.println(usage());
      return 2;
    }
    ProcessSet set = context.set();
    if (set.configuredAdminKey()) {
      System.err.println("galley admin-key: admin-key is set in " + set.configFile()
          + "; rotate it there (set galley.admin-key-previous in properties meanwhile)");
      return 2;
    }
    var supervisor = ControlClient.find(set);
    if (args.get(0).equals("rotate")) {
      if (set.hasPreviousAdminKey()) {
        System.err.println("galley admin-key: a rotation is under way (" + set.previousAdminKeyFile()
            + " exists): `galley admin-key finish` first");
        return 1;
      }
      set.rotateAdminKey();
      System.out.println("new admin key in " + set.adminKeyFile() + "; the old one is accepted until `finish`");
    } else {
      if (!set.hasPreviousAdminKey()) {
        System.err.println("galley admin-key: no rotation under way (no " + set.previousAdminKeyFile() + ")");
        return 1;
      }
      set.dropPreviousAdminKey();
      System.out.println("dropped the previous admin key");
    }
    if (supervisor.isEmpty()) {
      System.out.println("not running: the nodes take the keys when they start");
      return 0;
    }
    int exit = supervisor.get().run("graceful");
    if (exit == 0) {
      System.out.println(args.get(0).equals("rotate")
          ? "every node accepts the old and the new key; move clients to the new key, then `galley admin-key finish`"
          : "every node accepts only the new key");
    }
    return exit;
  }
}
