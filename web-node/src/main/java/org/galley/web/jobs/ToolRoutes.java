package org.galley.web.jobs;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.galley.core.tools.ToolRegistry;
import org.galley.web.auth.Auth;
import org.galley.web.http.ApiException;
import org.galley.web.http.Json;

/** {@code /api/tools}: the tools this cluster runs. The registry is in memory; nothing here blocks. */
public final class ToolRoutes extends AllDirectives {
  private final Auth auth;
  private final ToolRegistry tools;

  public ToolRoutes(Auth auth, ToolRegistry tools) {
    this.auth = auth;
    this.tools = tools;
  }

  public Route route() {
    return concat(
        path("tools", () -> get(() -> auth.authenticated(caller ->
            complete(Json.response(StatusCodes.OK, ToolJson.renderAll(tools.all())))))),
        path(segment("tools").slash(segment()), id -> get(() -> auth.authenticated(caller ->
            complete(Json.response(StatusCodes.OK, ToolJson.render(tools.find(id)
                .orElseThrow(() -> ApiException.notFound("no tool '" + id + "'")))))))));
  }
}
