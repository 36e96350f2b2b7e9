package vernier.server.storage;

import java.util.List;

/** Everything stored for one study, trials in number order, measurements in (trial, step) order. */
public record StudyData(
    StoredStudy study, List<StoredTrial> trials, List<MeasurementRow> measurements) {}
