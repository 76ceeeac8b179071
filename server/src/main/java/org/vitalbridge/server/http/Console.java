package org.vitalbridge.server.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;

/**
 * The web console: static HTML, CSS and JavaScript from this jar ({@code /console/} on the class
 * path), no build step and nothing fetched from elsewhere, so it works on an isolated network.
 * {@code /} redirects to it.
 */
final class Console {
  static final String PATH = "/console";

  private Console() {}

  static void register(JavalinConfig c) {
    c.staticFiles.add(
        sf -> {
          sf.hostedPath = PATH;
          sf.directory = "/console";
          sf.location = Location.CLASSPATH;
          // The console is small and changes with the jar: revalidate rather than cache for a year.
          sf.headers = java.util.Map.of("Cache-Control", "no-cache");
        });
    c.routes.get("/", ctx -> ctx.redirect(PATH + "/"));
  }
}
