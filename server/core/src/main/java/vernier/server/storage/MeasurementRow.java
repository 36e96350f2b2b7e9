package vernier.server.storage;

/** One reported value: a metric of a trial at a step. */
public record MeasurementRow(long number, long step, String metric, double value) {}
