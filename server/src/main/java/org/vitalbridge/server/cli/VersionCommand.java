package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** Prints the VitalBridge version and the Java it runs on (the same as {@code --version}). */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {"Print the VitalBridge version and the Java runtime. Exit 0."})
final class VersionCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (String line : new VersionInfo().getVersion()) {
      out.println(line);
    }
    out.flush();
    return 0;
  }
}
