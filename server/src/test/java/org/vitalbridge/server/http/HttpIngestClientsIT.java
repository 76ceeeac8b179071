package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.server.http.ApiFixture.NOW;
import static org.vitalbridge.server.http.ApiFixture.acmeVitals;
import static org.vitalbridge.server.http.ApiFixture.assertProblem;
import static org.vitalbridge.server.http.ApiFixture.example;
import static org.vitalbridge.server.http.ApiFixture.gzip;
import static org.vitalbridge.server.http.ApiFixture.json;
import static org.vitalbridge.server.http.ApiFixture.utf8;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What real HTTP clients send that a hand-written test would not: BOMs, CRLF, codings. */
class HttpIngestClientsIT {
  private static final String SINGLE = HttpIngestIT.SINGLE;
  private static final String BATCH = HttpIngestIT.BATCH;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @TempDir Path tmp;
  ApiFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  /** Windows tools (PowerShell, Notepad-saved files) put a UTF-8 byte order mark first. */
  @Test
  void aUtf8ByteOrderMarkBeforeTheJsonIsAccepted() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> single =
        f.post(
            SINGLE, "application/json; charset=utf-8", concat(BOM, example("acme-bedside.json")));
    HttpResponse<byte[]> array =
        f.post(
            BATCH,
            "application/json",
            concat(
                BOM,
                utf8(
                    "["
                        + acmeVitals("ACME-1", "ICU-1", NOW.minusSeconds(3))
                        + ","
                        + acmeVitals("ACME-2", "ICU-1", NOW.minusSeconds(2))
                        + "]")));
    HttpResponse<byte[]> ndjson =
        f.post(
            BATCH,
            "application/x-ndjson",
            concat(
                BOM,
                utf8(
                    acmeVitals("ACME-3", "ICU-1", NOW.minusSeconds(3))
                        + "\n"
                        + acmeVitals("ACME-4", "ICU-1", NOW.minusSeconds(2)))));

    assertThat(single.statusCode()).as(new String(single.body())).isEqualTo(202);
    assertThat(array.statusCode()).as(new String(array.body())).isEqualTo(202);
    assertThat(json(array).path("items")).hasSize(2);
    assertThat(ndjson.statusCode()).as(new String(ndjson.body())).isEqualTo(202);
    assertThat(json(ndjson).path("items")).hasSize(2);
  }

  @Test
  void ndjsonWithCrlfBlankLinesAndATrailingNewlineGivesOneItemPerRecord() throws Exception {
    f = ApiFixture.start(tmp);
    String body =
        acmeVitals("ACME-1", "ICU-1", NOW.minusSeconds(3))
            + "\r\n\r\n"
            + acmeVitals("ACME-2", "ICU-1", NOW.minusSeconds(2))
            + "\r\n";

    HttpResponse<byte[]> r = f.post(BATCH, "application/x-ndjson; charset=utf-8", utf8(body));

    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(202);
    assertThat(json(r).path("items")).hasSize(2);
    assertThat(json(r).path("items").get(1).path("line").asInt()).isEqualTo(3);
  }

  @Test
  void anEmptySinglePayloadIs400AndKept() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> r = f.post(SINGLE, "application/json", new byte[0]);

    assertProblem(r, 400, "malformed-payload");
    assertThat(f.rawCount()).isEqualTo(1);
  }

  @Test
  void gzipCodingNamesAreCaseInsensitiveAndIdentityIsNoCodingAlsoInAList() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] body = example("acme-bedside.json");

    HttpResponse<byte[]> upper =
        f.post(SINGLE, "application/json", gzip(body), "Content-Encoding", "GZIP");
    HttpResponse<byte[]> xgzip =
        f.post(
            SINGLE,
            "application/json",
            gzip(utf8(acmeVitals("ACME-5", "ICU-1", NOW.minusSeconds(9)))),
            "Content-Encoding",
            "x-gzip");
    HttpResponse<byte[]> identity =
        f.post(
            SINGLE,
            "application/json",
            utf8(acmeVitals("ACME-6", "ICU-1", NOW.minusSeconds(8))),
            "Content-Encoding",
            "identity");
    HttpResponse<byte[]> list =
        f.post(
            SINGLE,
            "application/json",
            gzip(utf8(acmeVitals("ACME-7", "ICU-1", NOW.minusSeconds(7)))),
            "Content-Encoding",
            "identity, gzip");
    HttpResponse<byte[]> twice =
        f.post(SINGLE, "application/json", gzip(gzip(body)), "Content-Encoding", "gzip, gzip");
    HttpResponse<byte[]> br = f.post(SINGLE, "application/json", body, "Content-Encoding", "br");

    assertThat(upper.statusCode()).as(new String(upper.body())).isEqualTo(202);
    assertThat(xgzip.statusCode()).as(new String(xgzip.body())).isEqualTo(202);
    assertThat(identity.statusCode()).as(new String(identity.body())).isEqualTo(202);
    assertThat(list.statusCode()).as(new String(list.body())).isEqualTo(202);
    assertProblem(twice, 415, "unsupported-content-encoding");
    assertProblem(br, 415, "unsupported-content-encoding");
    assertThat(br.headers().firstValue("Accept-Encoding")).hasValue("gzip");
  }

  /** RFC 7464 JSON text sequences are not a batch format we read: refused, never misread. */
  @Test
  void aJsonTextSequenceIs415() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> r =
        f.post(
            BATCH,
            "application/json-seq",
            concat(new byte[] {0x1E}, utf8(acmeVitals("ACME-1", "ICU-1", NOW) + "\n")));

    assertProblem(r, 415, "unsupported-media-type");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
