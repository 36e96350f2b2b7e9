package vernier.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Opening a PostgreSQL store that cannot be used: one clear error at start, nothing written. */
final class PostgresStoreStartTest {

  private final LocalPostgres postgres = LocalPostgres.shared();

  @Test
  void aWrongPassword_isNamedAsARefusedLogin() {
    PostgresUrl url = postgres.newDatabase();
    assertThatThrownBy(() -> new PostgresStore(url, "wrong", Store.CommitListener.NONE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refused the login of user " + LocalPostgres.USER)
        .hasMessageContaining("PGPASSWORD")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void noPasswordAtAll_saysWhereToPutOne() {
    PostgresUrl url = postgres.newDatabase();
    assertThatThrownBy(() -> new PostgresStore(url, null, Store.CommitListener.NONE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("asks for a password for user " + LocalPostgres.USER)
        .hasMessageContaining("PGPASSWORD, --db-password-file or a line in ~/.pgpass");
  }

  @Test
  void anUnreachableServer_isNamedWithItsAddress() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    PostgresUrl url = PostgresUrl.parse("postgresql://vernier@127.0.0.1:" + closedPort + "/x");
    assertThatThrownBy(() -> new PostgresStore(url, "pw", Store.CommitListener.NONE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot reach PostgreSQL at 127.0.0.1:" + closedPort)
        .hasMessageContaining("is it running");
  }

  @Test
  void aMissingDatabase_saysHowToCreateIt() {
    PostgresUrl url = postgres.url("no_such_database");
    assertThatThrownBy(
            () -> new PostgresStore(url, LocalPostgres.PASSWORD, Store.CommitListener.NONE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("database no_such_database does not exist")
        .hasMessageContaining("createdb -h 127.0.0.1 -p " + postgres.port());
  }

  @Test
  void aSchemaFromANewerVernier_isRefused_andLeftAsItWas() throws Exception {
    PostgresUrl url = postgres.newDatabase();
    try (Store newer =
        new PostgresStore(
            url,
            LocalPostgres.PASSWORD,
            Store.CommitListener.NONE,
            SchemaMigrations.POSTGRESQL + ",classpath:db/migration/postgresql-test")) {
      newer.ownership().advertise("127.0.0.1:7070");
      newer.createStudy(StoreContract.study("kept"));
    }
    assertThatThrownBy(
            () -> new PostgresStore(url, LocalPostgres.PASSWORD, Store.CommitListener.NONE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 1000, newer than this Vernier understands (3)");
    try (Connection c = postgres.connect(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT version FROM flyway_schema_history ORDER BY installed_rank")) {
      List<String> versions = new java.util.ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
      assertThat(versions).containsExactly("1", "2", "3", "1000");
    }
    try (Store again =
        new PostgresStore(
            url,
            LocalPostgres.PASSWORD,
            Store.CommitListener.NONE,
            SchemaMigrations.POSTGRESQL + ",classpath:db/migration/postgresql-test")) {
      assertThat(again.listStudies()).extracting(StoredStudy::id).containsExactly("kept");
    }
  }

  @Test
  void aDatabaseWithSomeoneElsesTables_isRefused() throws Exception {
    PostgresUrl url = postgres.newDatabase();
    try (Connection c = postgres.connect(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }
    assertThatThrownBy(
            () -> new PostgresStore(url, LocalPostgres.PASSWORD, Store.CommitListener.NONE))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a Vernier database");
  }
}
