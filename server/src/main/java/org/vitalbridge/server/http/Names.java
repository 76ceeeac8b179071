package org.vitalbridge.server.http;

import java.util.regex.Pattern;

/** What a template name in a URL may be: the file-name-safe names the template loader gives. */
final class Names {
  private static final Pattern TEMPLATE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private Names() {}

  static boolean valid(String template) {
    return template != null && TEMPLATE.matcher(template).matches();
  }
}
