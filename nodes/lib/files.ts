// Files the package reads on the Node-RED host: paths as users write them, and reads that
// cannot block or grow without bound.

import { constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `~` and `~/…` are the user's home directory; `~user/…` and every other path stay as written. */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

/** A file that is not there, not a regular file, too large, or unreadable. */
export class FileReadError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'not-a-file' | 'too-large' | 'unreadable',
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

/**
 * The text of a regular file of at most `maxBytes`. Opened non-blocking, so a FIFO cannot
 * stall the event loop, and checked on the open descriptor, so a swap after the check
 * cannot slip a device or a pipe in. Directories, FIFOs, sockets and devices are refused.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileReadError('not found', 'missing', code);
    if (code === 'EISDIR') throw new FileReadError('is a directory, not a file', 'not-a-file', code);
    throw new FileReadError(`cannot be opened (${code ?? 'error'})`, 'unreadable', code);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO' : stat.isSocket() ? 'a socket' : 'a device';
      throw new FileReadError(`is ${kind}, not a regular file`, 'not-a-file');
    }
    if (stat.size > maxBytes) throw new FileReadError(`is larger than ${maxBytes} bytes`, 'too-large');
    const buf = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buf.length) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new FileReadError(`is larger than ${maxBytes} bytes`, 'too-large');
    return buf.subarray(0, length).toString('utf8');
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileReadError(`cannot be read (${code ?? 'error'})`, 'unreadable', code);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
