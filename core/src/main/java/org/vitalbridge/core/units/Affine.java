package org.vitalbridge.core.units;

import java.math.BigDecimal;
import java.math.MathContext;

/** {@code y = x × factor + offset}: every UCUM conversion has this shape. */
record Affine(BigDecimal factor, BigDecimal offset) {
  static final MathContext PRECISION = MathContext.DECIMAL64;
  static final Affine IDENTITY = new Affine(BigDecimal.ONE, BigDecimal.ZERO);

  BigDecimal apply(BigDecimal x) {
    BigDecimal scaled = factor.compareTo(BigDecimal.ONE) == 0 ? x : x.multiply(factor, PRECISION);
    return offset.signum() == 0 ? scaled : scaled.add(offset, PRECISION);
  }

  /** First this, then {@code next}. */
  Affine then(Affine next) {
    return new Affine(
        factor.multiply(next.factor, PRECISION),
        offset.multiply(next.factor, PRECISION).add(next.offset, PRECISION));
  }

  Affine inverse() {
    BigDecimal inverseFactor = BigDecimal.ONE.divide(factor, PRECISION);
    return new Affine(inverseFactor, offset.negate().multiply(inverseFactor, PRECISION));
  }

  boolean isIdentity() {
    return factor.compareTo(BigDecimal.ONE) == 0 && offset.signum() == 0;
  }
}
