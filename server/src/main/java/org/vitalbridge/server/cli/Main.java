package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vitalbridge} command line. */
@Command(
    name = "vitalbridge",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = "Open-source medical device integration engine.",
    subcommands = {
      RunCommand.class,
      NormalizeCommand.class,
      FhirCommand.class,
      Hl7Command.class,
      DecodeCommand.class,
      ReprocessCommand.class,
      CheckConfigCommand.class,
      VersionCommand.class,
      AuditCommand.class,
      TokenCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code: 0 ran, 2 usage or configuration error. */
  static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line writing to the given streams (tests capture them). */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> 2);
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          cli.getErr().println(ex.getMessage());
          ex.getCommandLine().usage(cli.getErr());
          return 2;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
