package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.vitalbridge.security.auth.LocalCredential;
import org.vitalbridge.security.auth.LocalTokens;
import org.vitalbridge.security.auth.Role;
import org.vitalbridge.store.ApiCredentials;
import org.vitalbridge.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code token create} / {@code token revoke}: local API tokens ({@code auth.mode: local}). */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Issue or revoke local API tokens (auth.mode: local; docs/security.md).",
    subcommands = {TokenCommand.Create.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Issue an API token and print it once (only its salted hash is stored).",
        "Exit 0 issued, 2 on a bad role or --expires-in, or an unusable store (SQLite: stop the"
            + " server first)."
      })
  static final class Create implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "admin, integrator, viewer or device.")
    String role;

    @Option(
        names = "--subject",
        required = true,
        paramLabel = "NAME",
        description = "Who holds it (audited as the actor), e.g. a gateway or a person.")
    String subject;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        description =
            "ISO-8601 duration after which the token is refused, e.g. P90D or PT12H"
                + " (default: no expiry; revoke it instead).")
    String expiresIn;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Role r;
      Duration lifetime;
      try {
        r = Role.of(role);
        lifetime = lifetime(expiresIn);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        err.flush();
        return 2;
      }
      Clock clock = Clock.systemUTC();
      try (Store s = store.open(err, clock)) {
        if (s == null) {
          return 2;
        }
        Instant expiresAt = lifetime == null ? null : clock.instant().plus(lifetime);
        LocalTokens.Issued issued = new LocalTokens(new SecureRandom()).issue(subject, r);
        LocalCredential c = issued.credential();
        s.credentials()
            .add(
                new ApiCredentials.Row(
                    c.id(), c.subject(), c.role().id(), c.salt(), c.hash(), expiresAt));
        String expiry = expiresAt == null ? "no expiry" : "expires " + expiresAt;
        s.audit()
            .record(
                "cli",
                "token.create",
                "token/" + c.id(),
                "ok",
                "role " + r.id() + " for " + subject + ", " + expiry);
        out.println(issued.token());
        out.flush();
        err.println(
            "token id "
                + c.id()
                + " ("
                + r.id()
                + ", "
                + subject
                + ", "
                + expiry
                + "): shown once, store it now");
        err.flush();
        return 0;
      }
    }

    /** The lifetime {@code --expires-in} names, or {@code null} for none. */
    static Duration lifetime(String text) {
      if (text == null) {
        return null;
      }
      Duration d;
      try {
        d = Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--expires-in must be an ISO-8601 duration such as P90D or PT12H, not '" + text + "'");
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("--expires-in must be positive, not '" + text + "'");
      }
      return d;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke an API token by its id (the hex part after vb_). Exit 0 revoked, 1 unknown.")
  static final class Revoke implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try (Store s = store.open(err, Clock.systemUTC())) {
        if (s == null) {
          return 2;
        }
        boolean revoked = s.credentials().revoke(id);
        s.audit().record("cli", "token.revoke", "token/" + id, revoked ? "ok" : "unknown", null);
        spec.commandLine().getOut().println(revoked ? "revoked " + id : "no active token " + id);
        spec.commandLine().getOut().flush();
        return revoked ? 0 : 1;
      }
    }
  }
}
