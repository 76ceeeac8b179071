package org.vitalbridge.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Picks the admin API token out of what the engine showed once at first start. */
public final class ShownTokens {
  private static final Pattern TOKEN = Pattern.compile("vb_[0-9a-f]+\\.[A-Za-z0-9_-]+");

  private ShownTokens() {}

  public static String admin(String shown) {
    Matcher m = TOKEN.matcher(shown);
    if (!m.find()) {
      throw new AssertionError(
          "no admin token was shown at first start: " + shown.length() + " chars");
    }
    return m.group();
  }
}
