package org.vitalbridge.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a batch body into its items, each kept as the exact bytes the sender sent, so that each
 * becomes its own raw message (quarantined and reprocessed on its own). Never throws: what cannot
 * be split is one item, which the decoder then rejects with a precise reason.
 *
 * <ul>
 *   <li>NDJSON: one item per non-blank line ({@code \n} or {@code \r\n}); a bad line is a bad item,
 *       the other lines are unaffected.
 *   <li>JSON array: one item per element. A body that is not one well-formed JSON value (a
 *       truncated array, trailing garbage) cannot be split safely and is one item; a well-formed
 *       value that is not an array is one item as well.
 * </ul>
 */
final class BatchSplitter {
  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * @param index position among the items (blank NDJSON lines are not items)
   * @param line 1-based NDJSON line, or 0 for array elements
   */
  record Item(int index, int line, byte[] bytes) {}

  private BatchSplitter() {}

  /** NDJSON lines; at most {@code maxItems + 1} items are returned (so "too many" is visible). */
  static List<Item> ndjson(byte[] body, int maxItems) {
    List<Item> items = new ArrayList<>();
    int start = 0;
    int line = 1;
    while (start <= body.length && items.size() <= maxItems) {
      int end = start;
      while (end < body.length && body[end] != '\n') {
        end++;
      }
      int stop = end;
      if (stop > start && body[stop - 1] == '\r') {
        stop--;
      }
      if (!blank(body, start, stop)) {
        items.add(new Item(items.size(), line, Arrays.copyOfRange(body, start, stop)));
      }
      start = end + 1;
      line++;
    }
    return items;
  }

  /** Array elements; at most {@code maxItems + 1} items are returned. */
  static List<Item> array(byte[] body, int maxItems) {
    if (blank(body, 0, body.length)) {
      return List.of();
    }
    List<Long> starts = new ArrayList<>();
    long endOfArray;
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return whole(body);
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          return whole(body);
        }
        long at = p.currentTokenLocation().getByteOffset();
        if (at < 0) {
          // Not a byte-addressed (UTF-8) document: keep it whole.
          return whole(body);
        }
        starts.add(at);
        p.skipChildren();
        if (starts.size() > maxItems) {
          return slices(body, starts, -1);
        }
      }
      endOfArray = p.currentTokenLocation().getByteOffset();
      if (endOfArray < 0 || p.nextToken() != null) {
        return whole(body);
      }
    } catch (IOException | RuntimeException e) {
      // Not one well-formed JSON value: the decoder says exactly what is wrong with it.
      return whole(body);
    }
    return slices(body, starts, endOfArray);
  }

  private static List<Item> slices(byte[] body, List<Long> starts, long endOfArray) {
    List<Item> items = new ArrayList<>(starts.size());
    for (int i = 0; i < starts.size(); i++) {
      int from = (int) (long) starts.get(i);
      int to;
      if (i + 1 < starts.size()) {
        to = (int) (long) starts.get(i + 1);
      } else if (endOfArray >= 0) {
        to = (int) endOfArray;
      } else {
        // Cut short (too many items): only the count matters then.
        to = from;
      }
      to = trimSeparator(body, from, to);
      items.add(new Item(i, 0, Arrays.copyOfRange(body, from, to)));
    }
    return items;
  }

  /** Drops the whitespace and the one comma between an element and the next. */
  private static int trimSeparator(byte[] body, int from, int to) {
    int end = to;
    while (end > from && whitespace(body[end - 1])) {
      end--;
    }
    if (end > from && body[end - 1] == ',') {
      end--;
    }
    while (end > from && whitespace(body[end - 1])) {
      end--;
    }
    return end;
  }

  private static List<Item> whole(byte[] body) {
    return List.of(new Item(0, 0, body.clone()));
  }

  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!whitespace(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean whitespace(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
