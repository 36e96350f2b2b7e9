package vernier.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds a database file for one server: an exclusive lock on {@code <file>.lock} for the store's
 * life. SQLite's own locks only serialise transactions, so two servers on one file would each
 * believe they own its studies and overwrite each other's acknowledged writes. The operating system
 * drops the lock when the process ends, {@code kill -9} included; the lock file stays (its removal
 * would race with the next server taking it) and names the holder's pid.
 */
final class FileOwnership implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private FileOwnership(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws StoreException naming the file and the holder when another server holds it
   */
  static FileOwnership acquire(Path file) throws IOException {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel =
        FileChannel.open(
            lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
      throw new StoreException(
          file
              + " is in use by another Vernier server"
              + (holder.isEmpty() ? "" : " (pid " + holder + ")")
              + "; stop that server, or give this one another --db");
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(
            Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return new FileOwnership(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the process is letting go of the file anyway; the OS releases the lock with the channel
    }
  }
}
