package org.vitalbridge.devices.phd;

import java.util.HexFormat;

/** The 20601 APDUs the manager reads, one record per choice. */
sealed interface Apdu {

  /**
   * AARQ with the 20601 data-proto's PhdAssociationInformation read out; {@code has20601} false
   * when the agent offered no 20601 data protocol (then the other fields are zero).
   */
  record Aarq(
      long assocVersion,
      boolean has20601,
      long protocolVersion,
      int encodingRules,
      long nomenclatureVersion,
      long systemType,
      String systemId,
      int devConfigId)
      implements Apdu {}

  record Aare(int result) implements Apdu {}

  record Rlrq(int reason) implements Apdu {}

  record Rlre(int reason) implements Apdu {}

  record Abrt(int reason) implements Apdu {}

  /** PRST: a DATA-apdu; {@code body} is the message after choice and length. */
  record Prst(int invokeId, int choice, Bytes body) implements Apdu {}

  /** Immutable bytes with value equality (records with arrays compare by identity). */
  record Bytes(byte[] array) {
    public Bytes {
      array = array.clone();
    }

    @Override
    public byte[] array() {
      return array.clone();
    }

    int length() {
      return array.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && java.util.Arrays.equals(array, b.array);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(array);
    }

    @Override
    public String toString() {
      return HexFormat.of().formatHex(array);
    }
  }
}
