package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.mapping.TemplateSet;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.Outcome;

/**
 * {@code /api/v1/templates}: the mapping templates as they are on disk now, a template checked
 * before it is installed (every error with its line), and a sample payload mapped without storing
 * anything (dry run) — the same code the pipeline runs.
 */
final class TemplateRoutes {
  static final String FILE_NAME = "template.yaml";
  private static final int MAX_TEMPLATE = 256 * 1024;

  private final Operations ops;
  private final Clock clock;

  TemplateRoutes(Operations ops, Clock clock) {
    this.ops = ops;
    this.clock = clock;
  }

  void list(Context ctx) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("templates");
    ArrayNode errors = body.putArray("errors");
    if (ops.templates() != null && Files.isDirectory(ops.templates())) {
      try {
        TemplateSet set = TemplateLoader.loadDirectory(ops.templates());
        List<String> ids = set.ids();
        List<String> names = set.names();
        for (int i = 0; i < ids.size(); i++) {
          ObjectNode o = items.addObject();
          o.put("id", ids.get(i));
          o.put("mapping", names.get(i));
        }
      } catch (ConfigurationException e) {
        lines(e).forEach(errors::add);
      }
    }
    Replies.json(ctx, body);
  }

  /** The body is one template (YAML); 200 when it loads, else 422 with every error. */
  void validate(Context ctx) {
    byte[] yaml = ctx.bodyAsBytes();
    if (yaml.length == 0 || yaml.length > MAX_TEMPLATE) {
      throw Problem.of(
              "bad-body",
              "Bad request body",
              400,
              "send one template as YAML (at most " + MAX_TEMPLATE + " bytes)",
              ctx.path())
          .raise();
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("vitalbridge-template");
      Path file = dir.resolve(FILE_NAME);
      Files.write(file, yaml);
      TemplateSet set = TemplateLoader.loadFiles(List.of(file));
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.put("valid", true);
      body.put("id", set.ids().get(0));
      body.put("mapping", set.names().get(0));
      Replies.json(ctx, body);
    } catch (ConfigurationException e) {
      String prefix = dir.resolve(FILE_NAME).toString();
      ArrayNode errors = Json.MAPPER.createArrayNode();
      lines(e).forEach(l -> errors.add(l.replace(prefix, FILE_NAME)));
      throw Problem.of(
              "invalid-template",
              "Invalid template",
              422,
              errors.size() + " error(s) in the template",
              ctx.path())
          .with("errors", errors)
          .raise();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  /** Maps the body with {@code {template}} (and {@code ?device=}); nothing is stored. */
  void dryRun(Context ctx) {
    IngestEndpoint.channel(ctx);
    String template = ctx.pathParam("template");
    var mapping = Replies.mapping(ctx, ops);
    if (ops.templates() != null && !knownIds().contains(template)) {
      throw Problem.of(
              "unknown-template",
              "Unknown template",
              404,
              "no template '" + template + "' in " + ops.templates(),
              ctx.path())
          .raise();
    }
    RawMessage raw =
        new RawMessage(
            "dry-run",
            ctx.bodyAsBytes(),
            JsonTemplateDecoder.contentType(template, ctx.queryParam("device")),
            "api",
            "dry-run",
            null,
            clock.instant());
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode measurements = body.putArray("measurements");
    ArrayNode rejections = body.putArray("rejections");
    for (Outcome o : mapping.evaluate(raw)) {
      if (o instanceof Outcome.Accepted a) {
        measurements.add(MeasurementJson.of(a.measurement()));
      } else if (o instanceof Outcome.Rejected r) {
        ObjectNode j = rejections.addObject();
        j.put("stage", r.stage());
        j.put("reason", r.rejection().reason().code());
        Replies.putText(j, "field", r.rejection().field());
        j.put("detail", r.rejection().detail());
      }
    }
    Replies.json(ctx, body);
  }

  private List<String> knownIds() {
    try {
      return TemplateLoader.loadDirectory(ops.templates()).ids();
    } catch (ConfigurationException e) {
      return List.of();
    }
  }

  private static List<String> lines(ConfigurationException e) {
    List<String> out = new ArrayList<>();
    for (String line : e.getMessage().split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.equals("template errors:")) {
        out.add(l);
      }
    }
    return out;
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve(FILE_NAME));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temp file left behind is harmless
    }
  }
}
