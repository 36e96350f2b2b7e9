package vernier.server.storage;

import java.time.Instant;
import vernier.v1.Study;
import vernier.v1.StudySpec;

/**
 * A study row: its spec exactly as created, its state, the effective seed and the next trial
 * number.
 */
public record StoredStudy(
    String id,
    StudySpec spec,
    Study.State state,
    long seed,
    Instant createTime,
    long nextTrialNumber) {}
