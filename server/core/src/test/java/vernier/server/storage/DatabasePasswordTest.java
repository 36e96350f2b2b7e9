package vernier.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DatabasePasswordTest {

  @TempDir Path dir;

  @Test
  void theFileWins_thenPgpassword_elseTheDriversOwnLookup() throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), "from file\nignored\n");
    assertThat(DatabasePassword.resolve(file, Map.of("PGPASSWORD", "from env")))
        .isEqualTo("from file");
    assertThat(DatabasePassword.resolve(null, Map.of("PGPASSWORD", "from env")))
        .isEqualTo("from env");
    assertThat(DatabasePassword.resolve(null, Map.of())).isNull();
  }

  @Test
  void aMissingOrEmptyFile_isNamed() throws Exception {
    assertThatThrownBy(() -> DatabasePassword.resolve(dir.resolve("nope"), Map.of()))
        .hasMessageContaining("--db-password-file")
        .hasMessageContaining("nope");
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThatThrownBy(() -> DatabasePassword.resolve(empty, Map.of()))
        .hasMessageContaining("empty");
  }
}
