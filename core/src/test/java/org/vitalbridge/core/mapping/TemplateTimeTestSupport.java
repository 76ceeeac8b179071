package org.vitalbridge.core.mapping;

import java.time.format.DateTimeFormatter;

/** Exposes the template loader's strict pattern building to tests in other packages. */
public final class TemplateTimeTestSupport {
  private TemplateTimeTestSupport() {}

  public static DateTimeFormatter strict(String pattern) {
    return TemplateLoader.strictPattern(pattern);
  }
}
