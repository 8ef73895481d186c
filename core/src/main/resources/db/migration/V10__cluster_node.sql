-- Every cluster member renews its row here about once a second while it is Up and not cut off
-- from the others (NodeLease). Two readers, both guarding against a second cluster formed on the
-- same database by a restarted first seed node that found no other seed in time:
-- * the handler reaper requeues the jobs of a handler that is not a member of its cluster only once
--   that handler's lease has expired (a handler alive in another cluster keeps renewing);
-- * a restarting first seed joins the nodes that renewed recently instead of founding a cluster.
-- address: host:port of its cluster transport; uid: the incarnation (Pekko's unique address uid),
-- so a stopping node deletes only its own row.
CREATE TABLE cluster_node (
  address     text        PRIMARY KEY,
  uid         bigint      NOT NULL,
  server_name text        NOT NULL,
  roles       text[]      NOT NULL,
  renewed_at  timestamptz NOT NULL
);
CREATE INDEX cluster_node_server_name ON cluster_node (server_name);
