package vernier.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

final class PostgresUrlTest {

  @Test
  void libpqForm_withDefaultPort_andDriverParameters() {
    PostgresUrl url =
        PostgresUrl.parse(
            "postgresql://tuner@db.internal/sweeps?sslmode=verify-full&sslrootcert=/etc/ca.pem");
    assertThat(url.host()).isEqualTo("db.internal");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.database()).isEqualTo("sweeps");
    assertThat(url.user()).isEqualTo("tuner");
    assertThat(url.parameters())
        .containsExactly(entry("sslmode", "verify-full"), entry("sslrootcert", "/etc/ca.pem"));
    assertThat(url.jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://db.internal:5432/sweeps?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
    assertThat(url).hasToString("postgresql://tuner@db.internal:5432/sweeps");
  }

  @Test
  void jdbcAndPostgresSchemes_ipv6_andUserAsParameter() {
    assertThat(PostgresUrl.isPostgres("jdbc:postgresql://h:5433/d")).isTrue();
    assertThat(PostgresUrl.isPostgres("POSTGRES://h/d")).isTrue();
    assertThat(PostgresUrl.isPostgres("vernier.db")).isFalse();
    PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://[::1]:5433/d?user=alice");
    assertThat(url.host()).isEqualTo("[::1]");
    assertThat(url.port()).isEqualTo(5433);
    assertThat(url.user()).isEqualTo("alice");
    assertThat(url.parameters()).isEmpty();
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/d");
    assertThat(PostgresUrl.parse("postgres://h/d").user()).isNull();
  }

  @Test
  void aPasswordInTheUrl_isRefused_withoutEchoingIt() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://alice:s3cret@h/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PGPASSWORD")
        .hasMessageContaining("--db-password-file")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://alice@h/d?password=s3cret"))
        .hasMessageContaining("password")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void malformedUrls_nameWhatIsMissing() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://h:5432"))
        .hasMessageContaining("name the database")
        .hasMessageContaining("postgresql://user@host:5432/dbname");
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql:///d")).hasMessageContaining("no host");
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://h/a/b"))
        .hasMessageContaining("name the database");
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://h:port/d"))
        .hasMessageContaining("not a PostgreSQL URL");
  }
}
