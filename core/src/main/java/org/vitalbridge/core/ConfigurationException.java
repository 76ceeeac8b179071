package org.vitalbridge.core;

/** A configuration, terminology or template error found at load time; the message says where. */
public class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }
}
