package vernier.djl;

import java.io.IOException;

/**
 * The checkpoint a trial's {@code start_from} names is not in the checkpoint root. The trial fails,
 * not retryable: the checkpoint will not appear later (a trial writes its checkpoints before it is
 * told, and {@code pbt} names a trial's checkpoint only once it was told), so a retry would fail
 * the same way.
 */
final class MissingCheckpointException extends IOException {

  private static final long serialVersionUID = 1L;

  MissingCheckpointException(String message) {
    super(message);
  }
}
