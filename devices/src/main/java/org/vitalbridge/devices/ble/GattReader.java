package org.vitalbridge.devices.ble;

/**
 * Reads the little-endian fields of one characteristic value in order, remembering the offset of
 * the field last read so that rejections can name the byte where a problem lies.
 */
final class GattReader {
  private final byte[] bytes;
  private int position;
  private int fieldOffset;

  GattReader(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Offset of the field read last. */
  int fieldOffset() {
    return fieldOffset;
  }

  int position() {
    return position;
  }

  int remaining() {
    return bytes.length - position;
  }

  int u8(String field) throws GattFormatException {
    need(1, field, "uint8");
    return bytes[position++] & 0xFF;
  }

  int u16(String field) throws GattFormatException {
    need(2, field, "uint16");
    int v = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8;
    position += 2;
    return v;
  }

  int s16(String field) throws GattFormatException {
    return (short) u16(field);
  }

  int u24(String field) throws GattFormatException {
    need(3, field, "uint24");
    int v =
        (bytes[position] & 0xFF)
            | (bytes[position + 1] & 0xFF) << 8
            | (bytes[position + 2] & 0xFF) << 16;
    position += 3;
    return v;
  }

  GattNumber sfloat(String field) throws GattFormatException {
    need(2, field, "SFLOAT");
    int raw = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8;
    position += 2;
    return GattNumber.sfloat(raw);
  }

  GattNumber float32(String field) throws GattFormatException {
    need(4, field, "FLOAT");
    long raw =
        (bytes[position] & 0xFFL)
            | (bytes[position + 1] & 0xFFL) << 8
            | (bytes[position + 2] & 0xFFL) << 16
            | (bytes[position + 3] & 0xFFL) << 24;
    position += 4;
    return GattNumber.float32(raw);
  }

  GattDateTime dateTime(String field) throws GattFormatException {
    need(GattDateTime.SIZE, field, "Date Time");
    int p = position;
    int year = (bytes[p] & 0xFF) | (bytes[p + 1] & 0xFF) << 8;
    position += GattDateTime.SIZE;
    return GattDateTime.of(
        year,
        bytes[p + 2] & 0xFF,
        bytes[p + 3] & 0xFF,
        bytes[p + 4] & 0xFF,
        bytes[p + 5] & 0xFF,
        bytes[p + 6] & 0xFF);
  }

  /** Skips a field this decoder does not carry (still checking that it is there). */
  void skip(int size, String field) throws GattFormatException {
    need(size, field, size + " bytes");
    position += size;
  }

  private void need(int size, String field, String type) throws GattFormatException {
    fieldOffset = position;
    if (bytes.length - position < size) {
      throw new GattFormatException(
          position,
          field,
          "value too short: "
              + field
              + " ("
              + type
              + ") needs "
              + size
              + " byte(s) at offset "
              + position
              + " but the value has "
              + bytes.length
              + " byte(s)");
    }
  }
}
