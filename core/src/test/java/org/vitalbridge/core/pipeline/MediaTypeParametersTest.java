package org.vitalbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

class MediaTypeParametersTest {

  @Test
  void readsTokensAndQuotedStringsCaseInsensitiveNames() {
    Map<String, String> p =
        MediaTypeParameters.parse(
            "application/json; charset=UTF-8; Template=\"acme; \\\"x\\\"\" ;device=D-1");
    assertThat(p)
        .containsEntry("charset", "UTF-8")
        .containsEntry("template", "acme; \"x\"")
        .containsEntry("device", "D-1");
    assertThat(MediaTypeParameters.baseType(" application/json ; a=b"))
        .isEqualTo("application/json");
  }

  @Test
  void malformedParametersAreSkippedNotThrown() {
    assertThat(MediaTypeParameters.parse("application/json; ; novalue; a=\"unterminated"))
        .containsOnlyKeys("a");
    assertThat(MediaTypeParameters.parse("application/json")).isEmpty();
  }

  @Property
  void quotedValuesComeBackExactly(@ForAll String template, @ForAll String device) {
    Map<String, String> p =
        MediaTypeParameters.parse(JsonTemplateDecoder.contentType(template, device));
    assertThat(p).containsEntry("template", template).containsEntry("device", device);
  }

  @Property
  void anyTextParsesWithoutThrowing(@ForAll String contentType) {
    MediaTypeParameters.parse(contentType);
    MediaTypeParameters.baseType(contentType);
  }

  @Test
  void aRefusalTravelsWithItsBytesContentType() {
    Rejection why = new Rejection(RejectionReason.UNROUTED, "topic", "no rule for \"a/b\"");
    String type = RefusedContent.contentType(why, "application/json; template=\"x\"");

    assertThat(RefusedContent.rejection(type)).contains(why);
    assertThat(RefusedContent.originalContentType(type))
        .contains("application/json; template=\"x\"");
    assertThat(RefusedContent.rejection("application/json")).isEmpty();
    assertThat(new JsonTemplateDecoder(null).accepts(type)).isFalse();
  }
}
