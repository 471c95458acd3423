import * as fs from 'node:fs';

/** Last lines of a log file, for error messages; never throws (the file may not exist yet). */
export function tailFile(file: string, lines = 40, maxBytes = 64 * 1024): string {
  try {
    const size = fs.statSync(file).size;
    const start = Math.max(0, size - maxBytes);
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      return buf.toString('utf8').split('\n').slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(no log output)';
  }
}
