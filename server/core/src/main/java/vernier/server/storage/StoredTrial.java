package vernier.server.storage;

import vernier.v1.Trial;

/**
 * A trial row: the trial (without measurements, which are rows of their own), the id of the lease
 * it was handed out with and the ask request id that created the lease.
 */
public record StoredTrial(Trial trial, String leaseId, String requestId) {}
