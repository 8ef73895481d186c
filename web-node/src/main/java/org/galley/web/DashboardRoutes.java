package org.galley.web;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The live dashboard at {@code /}: three files committed under {@code resources/dashboard} (plain
 * HTML, CSS and a JavaScript module: no build step, no CDN), read once at start. The page needs no
 * key to load; it asks for the admin key, keeps it in the browser tab's session storage and sends
 * it as a header to the API, never in a URL. Only the names below are served.
 */
final class DashboardRoutes extends AllDirectives {
  private static final ContentType JS = MediaTypes.APPLICATION_JAVASCRIPT.toContentType(
      org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
  private static final ContentType CSS = MediaTypes.TEXT_CSS.toContentType(
      org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);

  private final Map<String, HttpResponse> files = Map.of(
      "index.html", file("index.html", ContentTypes.TEXT_HTML_UTF8),
      "app.js", file("app.js", JS),
      "style.css", file("style.css", CSS));

  Route route() {
    return get(() -> concat(
        pathSingleSlash(() -> complete(files.get("index.html"))),
        path(segment("dashboard").slash(segment()), name -> files.containsKey(name)
            ? complete(files.get(name))
            : reject())));
  }

  private static HttpResponse file(String name, ContentType type) {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file missing from the jar: " + name);
      }
      // The page must not be framed by another site, and its module comes only from here.
      return HttpResponse.create().withEntity(HttpEntities.create(type, in.readAllBytes()))
          .addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create("X-Frame-Options", "DENY"))
          .addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Content-Security-Policy",
              "default-src 'self'; img-src 'self' data:"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
