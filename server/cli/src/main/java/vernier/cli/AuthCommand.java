package vernier.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vernier.server.auth.Principal;
import vernier.server.auth.Role;
import vernier.server.auth.TokenFile;

/** {@code vernier auth token create | list | revoke}: the tokens file of {@code --auth-tokens}. */
@Command(
    name = "auth",
    mixinStandardHelpOptions = true,
    description = "Manage the tokens a server started with --auth-tokens FILE accepts.",
    subcommands = {AuthCommand.Token.class})
final class AuthCommand {

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = "Create, list and revoke tokens. The server re-reads the file within seconds.",
      subcommands = {
        AuthCommand.Create.class,
        AuthCommand.ListTokens.class,
        AuthCommand.Revoke.class
      })
  static final class Token {}

  abstract static class OnFile implements Callable<Integer> {
    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        defaultValue = "${env:VERNIER_AUTH_TOKENS:-tokens.yaml}",
        description = "The tokens file (default: ${DEFAULT-VALUE}, from VERNIER_AUTH_TOKENS).")
    Path file;

    @Spec CommandSpec spec;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Make a token, add its SHA-256 to the tokens file and print the token once: it is stored"
            + " nowhere, so keep it (a secret store, or a file only its user reads).",
        "Roles: viewer (read), worker (ask, report, tell, read), admin (everything), metrics"
            + " (/metrics only)."
      })
  static final class Create extends OnFile {
    @Option(names = "--name", required = true, description = "Who or what holds it: alice, ci.")
    String name;

    @Option(
        names = "--role",
        required = true,
        description = "viewer, worker, admin or metrics.",
        converter = RoleConverter.class)
    Role role;

    @Option(
        names = "--prefix",
        paramLabel = "PREFIX",
        description =
            "Only studies whose id starts with PREFIX (repeatable): a team's tenant, e.g."
                + " team-a-. Default: every study.")
    List<String> prefixes = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      String token = TokenFile.create(file, new Principal(name, role, prefixes));
      spec.commandLine().getOut().println(token);
      spec.commandLine()
          .getErr()
          .println(
              "added "
                  + new Principal(name, role, prefixes).describe()
                  + " to "
                  + file
                  + "; the token above is shown only now");
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the tokens' holders.")
  static final class ListTokens extends OnFile {
    @Override
    public Integer call() {
      Rows rows = new Rows(List.of("NAME", "ROLE", "STUDIES"));
      List<Principal> holders = new ArrayList<>(TokenFile.read(file).values());
      holders.sort((a, b) -> a.name().compareTo(b.name()));
      for (Principal p : holders) {
        rows.add(
            List.of(
                p.name(),
                p.role().label(),
                p.prefixes().isEmpty() ? "all" : String.join(", ", p.prefixes()) + " (prefixes)"));
      }
      OutputOptions.printTable(spec.commandLine().getOut(), rows);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Remove a token from the file; the server refuses it within seconds.")
  static final class Revoke extends OnFile {
    @Option(names = "--name", required = true, description = "The holder to remove.")
    String name;

    @Override
    public Integer call() throws Exception {
      if (!TokenFile.revoke(file, name)) {
        throw new IllegalArgumentException("--name: no token named '" + name + "' in " + file);
      }
      spec.commandLine().getOut().println("revoked " + name + " in " + file);
      return 0;
    }
  }

  /** A role by its lower-case label, with the valid ones in the error. */
  static final class RoleConverter implements picocli.CommandLine.ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      return Role.parse(value);
    }
  }
}
