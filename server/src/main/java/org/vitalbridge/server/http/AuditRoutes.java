package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.vitalbridge.store.AuditLog;
import org.vitalbridge.store.AuditVerification;

/**
 * {@code GET /api/v1/audit/verify} (admin): the audit chain checked by the running server — with
 * SQLite the {@code audit verify} command cannot open the store while the server holds it.
 */
final class AuditRoutes {
  private final AuditLog audit;

  AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  void verify(Context ctx) {
    AuditVerification v = audit.verify();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("intact", v.intact());
    body.put("entries", v.rows());
    if (!v.intact()) {
      body.put("brokenSeq", v.brokenSeq());
      body.put("kind", v.kind());
      body.put("reason", v.reason());
    }
    Replies.json(ctx, body);
  }
}
