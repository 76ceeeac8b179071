package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class Msh18CharsetsTest {
  private static final String HEADER_18 = "MSH|^~\\&|GW||||20261124||ORU^R01|1|P|2.6||||||";
  private final Msh18Charsets utf8Default = new Msh18Charsets(StandardCharsets.UTF_8);

  private static byte[] message(String msh18, String name, Charset charset) {
    return (HEADER_18 + msh18 + "\rPID|||1||" + name + "\r").getBytes(charset);
  }

  @Test
  void msh18NamesTheCharacterSet() {
    assertThat(Msh18Charsets.declared(message("UNICODE UTF-8", "x", StandardCharsets.UTF_8)))
        .isEqualTo(StandardCharsets.UTF_8);
    assertThat(Msh18Charsets.declared(message("8859/1", "x", StandardCharsets.UTF_8)))
        .isEqualTo(StandardCharsets.ISO_8859_1);
    assertThat(
            Msh18Charsets.declared(message("8859/15~UNICODE UTF-8", "x", StandardCharsets.UTF_8)))
        .isEqualTo(Charset.forName("ISO-8859-15"));
    assertThat(Msh18Charsets.declared(message("", "x", StandardCharsets.UTF_8))).isNull();
    assertThat(Msh18Charsets.declared(message("EBCDIC-42", "x", StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void msh18AsTheLastFieldOfTheHeaderIsRead() {
    byte[] raw = (HEADER_18 + "8859/1").getBytes(StandardCharsets.US_ASCII);

    assertThat(Msh18Charsets.declared(raw)).isEqualTo(StandardCharsets.ISO_8859_1);
  }

  @Test
  void namesDecodeInTheDeclaredCharset() {
    assertThat(utf8Default.decode(message("8859/1", "Müller^Jürgen", StandardCharsets.ISO_8859_1)))
        .contains("Müller^Jürgen");
    assertThat(utf8Default.decode(message("UNICODE UTF-8", "Ærø^Øre", StandardCharsets.UTF_8)))
        .contains("Ærø^Øre");
  }

  @Test
  void undeclaredLatin1UnderAUtf8DefaultFallsBackInsteadOfReplacementCharacters() {
    String decoded = utf8Default.decode(message("", "Müller", StandardCharsets.ISO_8859_1));

    assertThat(decoded).contains("Müller").doesNotContain("\uFFFD");
  }

  @Property(tries = 300)
  void anyBytesDecodeWithoutErrors(@ForAll byte[] raw) {
    assertThat(utf8Default.decode(raw)).isNotNull();
    Msh18Charsets.declared(raw);
  }
}
