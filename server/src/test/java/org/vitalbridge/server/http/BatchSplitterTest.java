package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.vitalbridge.server.http.BatchSplitter.Item;

/** Splitting batches: never throws, every item is exactly the sender's bytes, limits hold. */
class BatchSplitterTest {

  // --- NDJSON -----------------------------------------------------------------------------

  @Property
  void ndjsonOfArbitraryBytesNeverThrowsAndGivesEachNonBlankLineAsSent(
      @ForAll byte[] body, @ForAll @IntRange(min = 1, max = 50) int maxItems) {
    List<Item> items = BatchSplitter.ndjson(body, maxItems);

    List<byte[]> lines = nonBlankLines(body);
    assertThat(items).hasSize(Math.min(lines.size(), maxItems + 1));
    for (int i = 0; i < items.size(); i++) {
      assertThat(items.get(i).index()).isEqualTo(i);
      assertThat(items.get(i).bytes()).isEqualTo(lines.get(i));
    }
  }

  @Property
  void ndjsonItemsAreExactlyThePiecesJoinedWithAnyLineEnds(
      @ForAll("lines") List<byte[]> pieces, @ForAll("lineEnds") List<String> ends) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<Integer> lineOf = new ArrayList<>();
    int line = 1;
    for (int i = 0; i < pieces.size(); i++) {
      body.writeBytes(pieces.get(i));
      lineOf.add(line);
      String end = ends.get(i % ends.size());
      body.writeBytes(end.getBytes(StandardCharsets.US_ASCII));
      line += (int) end.chars().filter(c -> c == '\n').count();
    }

    List<Item> items = BatchSplitter.ndjson(body.toByteArray(), 10_000);

    assertThat(items).hasSize(pieces.size());
    for (int i = 0; i < pieces.size(); i++) {
      assertThat(items.get(i).bytes()).isEqualTo(pieces.get(i));
      assertThat(items.get(i).line()).isEqualTo(lineOf.get(i));
      assertThat(items.get(i).index()).isEqualTo(i);
    }
  }

  @Provide
  Arbitrary<List<byte[]>> lines() {
    // A line: arbitrary bytes without a line feed, not blank, not ending in a carriage return.
    Arbitrary<byte[]> line =
        Arbitraries.bytes()
            .filter(b -> b != '\n')
            .array(byte[].class)
            .ofMinSize(1)
            .ofMaxSize(40)
            .map(b -> withVisibleLast(b));
    return line.list().ofMaxSize(20);
  }

  private static byte[] withVisibleLast(byte[] b) {
    byte[] out = Arrays.copyOf(b, b.length + 1);
    out[b.length] = 'x';
    return out;
  }

  @Provide
  Arbitrary<List<String>> lineEnds() {
    return Arbitraries.of("\n", "\r\n", "\n\n", "\r\n  \t\r\n", "\n   \n")
        .list()
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  @Property
  void ndjsonNeverReturnsMoreThanOneItemOverTheLimit(
      @ForAll @IntRange(min = 0, max = 60) int lineCount,
      @ForAll @IntRange(min = 1, max = 30) int maxItems) {
    String body = "{\"n\":1}\n".repeat(lineCount);

    List<Item> items = BatchSplitter.ndjson(body.getBytes(StandardCharsets.UTF_8), maxItems);

    assertThat(items).hasSize(Math.min(lineCount, maxItems + 1));
  }

  @Example
  void ndjsonLineNumbersCountBlankLines() {
    List<Item> items =
        BatchSplitter.ndjson(
            "\n{\"a\":1}\r\n\r\n  \n{\"b\":2}".getBytes(StandardCharsets.UTF_8), 10);

    assertThat(items).extracting(Item::line).containsExactly(2, 5);
    assertThat(items)
        .extracting(i -> new String(i.bytes(), StandardCharsets.UTF_8))
        .containsExactly("{\"a\":1}", "{\"b\":2}");
  }

  // --- JSON array -------------------------------------------------------------------------

  @Property
  void arrayItemsAreExactlyTheElementsBytes(
      @ForAll("elements") List<String> elements,
      @ForAll("whitespace") String before,
      @ForAll("whitespace") String after,
      @ForAll("whitespace") String around) {
    StringBuilder b = new StringBuilder(before).append('[').append(around);
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        b.append(around).append(',').append(around);
      }
      b.append(elements.get(i));
    }
    b.append(around).append(']').append(after);
    byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);

    List<Item> items = BatchSplitter.array(body, 10_000);

    assertThat(items).hasSize(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      assertThat(new String(items.get(i).bytes(), StandardCharsets.UTF_8))
          .isEqualTo(elements.get(i));
      assertThat(items.get(i).index()).isEqualTo(i);
      assertThat(items.get(i).line()).isZero();
    }
  }

  @Provide
  Arbitrary<List<String>> elements() {
    return json(3).list().ofMaxSize(12);
  }

  /** Compact JSON texts, with multi-byte UTF-8 in strings so that byte offsets are exercised. */
  private Arbitrary<String> json(int depth) {
    Arbitrary<String> text =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withCharRange('\u00a0', '\u07ff')
            .withCharRange('\u4e00', '\u4e2f')
            .withChars('\n', '\t', '"', '\\')
            .ofMaxLength(8)
            .map(BatchSplitterTest::quote);
    Arbitrary<String> emoji = Arbitraries.of("\"😀 ok\"", "\"a😀\"");
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            text,
            emoji,
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.doubles().between(-1e6, 1e6).map(String::valueOf),
            Arbitraries.of("true", "false", "null"));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> array =
        json(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> object =
        Combinators.combine(text, json(depth - 1))
            .as((k, v) -> k + ":" + v)
            .list()
            .ofMaxSize(4)
            .map(l -> "{" + String.join(",", l) + "}");
    return Arbitraries.oneOf(scalar, scalar, scalar, array, object);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  @Provide
  Arbitrary<String> whitespace() {
    return Arbitraries.strings().withChars(' ', '\t', '\r', '\n').ofMaxLength(3);
  }

  @Property
  void arrayOfArbitraryBytesNeverThrowsAndEveryItemIsASliceOfTheBodyInOrder(
      @ForAll @Size(max = 200) byte[] body, @ForAll @IntRange(min = 1, max = 20) int maxItems) {
    List<Item> items = BatchSplitter.array(body, maxItems);

    assertThat(items.size()).isLessThanOrEqualTo(maxItems + 1);
    int from = 0;
    for (Item item : items) {
      int at = indexOf(body, item.bytes(), from);
      assertThat(at)
          .as("item %s is a slice of the body after %s", item.index(), from)
          .isNotNegative();
      from = at + item.bytes().length;
    }
  }

  @Property
  void arrayOfArbitraryBytesFromJsonishPiecesNeverThrows(
      @ForAll("jsonish") String body, @ForAll @IntRange(min = 1, max = 20) int maxItems) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

    List<Item> items = BatchSplitter.array(bytes, maxItems);

    assertThat(items.size()).isLessThanOrEqualTo(maxItems + 1);
    int from = 0;
    for (Item item : items) {
      int at = indexOf(bytes, item.bytes(), from);
      assertThat(at).isNotNegative();
      from = at + item.bytes().length;
    }
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.of(
            "[", "]", "{", "}", ",", ":", "\"a\"", "1", "-2.5e3", "true", "null", " ", "\n", "\"",
            "\\", "x")
        .list()
        .ofMaxSize(30)
        .map(l -> String.join("", l));
  }

  @Property
  void anArrayOverTheLimitGivesOneItemMoreThanTheLimit(
      @ForAll @IntRange(min = 0, max = 60) int n,
      @ForAll @IntRange(min = 1, max = 30) int maxItems) {
    List<String> elements = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      elements.add("{\"n\":" + i + "}");
    }
    byte[] body = ("[" + String.join(",", elements) + "]").getBytes(StandardCharsets.UTF_8);

    List<Item> items = BatchSplitter.array(body, maxItems);

    assertThat(items).hasSize(Math.min(n, maxItems + 1));
  }

  @Example
  void whatIsNotOneWellFormedArrayIsOneItemAndBlankIsNone() {
    for (String whole : List.of("{\"a\":1}", "[1,2", "[1,2] x", "[1,2,]", "[1 2]", "7", "\"s\"")) {
      List<Item> items = BatchSplitter.array(whole.getBytes(StandardCharsets.UTF_8), 10);
      assertThat(items).as(whole).hasSize(1);
      assertThat(new String(items.get(0).bytes(), StandardCharsets.UTF_8)).isEqualTo(whole);
    }
    assertThat(BatchSplitter.array(" \n ".getBytes(StandardCharsets.UTF_8), 10)).isEmpty();
    assertThat(BatchSplitter.array("[ ]".getBytes(StandardCharsets.UTF_8), 10)).isEmpty();
    assertThat(BatchSplitter.array(new byte[0], 10)).isEmpty();
  }

  @Example
  void aUtf16ArrayIsKeptWhole() {
    byte[] body = "[1,2]".getBytes(StandardCharsets.UTF_16BE);

    List<Item> items = BatchSplitter.array(body, 10);

    assertThat(items).hasSize(1);
    assertThat(items.get(0).bytes()).isEqualTo(body);
  }

  // --- helpers ----------------------------------------------------------------------------

  /**
   * The reference: lines split at LF, one trailing CR dropped, blank ones (SP HT CR LF) left out.
   */
  private static List<byte[]> nonBlankLines(byte[] body) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        int end = i;
        if (end > start && body[end - 1] == '\r') {
          end--;
        }
        byte[] line = Arrays.copyOfRange(body, start, end);
        if (!blank(line)) {
          out.add(line);
        }
        start = i + 1;
      }
    }
    return out;
  }

  private static boolean blank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
