package dev.revenant.journal;

import com.typesafe.config.ConfigFactory;
import dev.revenant.journal.internal.JournalSchema;
import dev.revenant.journal.internal.JournalSettings;
import java.io.PrintStream;

/**
 * For operators who manage the schema themselves ({@code revenant.journal.create-schema = off}):
 * {@code print <backend>} writes the DDL to standard output; {@code apply} creates the tables of
 * the configured backend (configuration as the application's: application.conf, system
 * properties, REVENANT_* environment variables) if they are missing, and brings a schema of an
 * earlier Revenant up to date (drops the tag table's foreign key). Run it with
 * {@code journal-plugins/bin/schema}.
 */
public final class SchemaCommand {
  private SchemaCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 2 && args[0].equals("print")) {
      if (!JournalSettings.BACKENDS.contains(args[1]) || args[1].equals("in-memory")) {
        err.println("unknown backend [" + args[1] + "]; backends with a schema: [h2-file,"
            + " h2-server, postgres, mariadb]");
        return 2;
      }
      out.print(JournalSchema.ddl(args[1]));
      return 0;
    }
    if (args.length == 1 && args[0].equals("apply")) {
      JournalSettings settings = JournalSettings.from(ConfigFactory.load());
      JournalSchema.apply(settings);
      out.println("journal schema present on backend [" + settings.backend() + "] at ["
          + settings.safeUrl() + "]");
      return 0;
    }
    err.println("usage: schema print <h2-file|h2-server|postgres|mariadb>");
    err.println("       schema apply   (creates the configured backend's tables if missing,"
        + " updates an earlier Revenant's)");
    return 2;
  }
}
