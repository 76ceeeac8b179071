package org.vitalbridge.devices.serial;

import java.io.IOException;

/** An open serial port as the reader needs it; a seam so the read loop can be tested alone. */
interface SerialLink extends AutoCloseable {

  /**
   * Reads what is available into {@code buf}, waiting at most the link's poll interval.
   *
   * @return the bytes read, 0 when none came in time, -1 when the port is gone (cable pulled)
   */
  int read(byte[] buf) throws IOException;

  /** Whether the port is still there (its device node exists), checked when reads are quiet. */
  boolean present();

  @Override
  void close();

  /** Opens the port a config names. */
  interface Opener {
    /** Opens the port, or throws {@link IOException} saying why it cannot be opened now. */
    SerialLink open(SerialPortConfig config) throws IOException;
  }
}
