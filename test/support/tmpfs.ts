/**
 * A small tmpfs for fault-injection tests: a real file system that really fills up (ENOSPC) and really turns
 * read-only (EROFS, by remounting). Mounting needs root (or CAP_SYS_ADMIN); where it is impossible, `mountTmpfs`
 * says why, so the test that needs it can skip with that reason and nothing else skips.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  remount(mode: 'ro' | 'rw'): void;
  /** Writes a filler file until the file system refuses (ENOSPC), so not one more page fits; returns its path. */
  fill(): string;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeBytes` on `dir` (created if needed); a string is the reason it could not. */
export function mountTmpfs(dir: string, sizeBytes: number): Tmpfs | string {
  if (process.platform !== 'linux') return `tmpfs needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return `mounting a tmpfs needs root (running as uid ${process.getuid?.()})`;
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `mount -t tmpfs failed (${stderr || (error as Error).message}); the container may lack CAP_SYS_ADMIN`;
  }
  return {
    dir,
    remount: (mode) => execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' }),
    fill: () => {
      const file = join(dir, 'filler.bin');
      const fd = openSync(file, 'w');
      try {
        for (const size of [1 << 16, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size, 7);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      return file;
    },
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Mounts for a probe and unmounts at once: null when tmpfs works here, else the reason it does not. */
export function tmpfsUnavailable(): string | null {
  const scratch = mkdtempSync(join(tmpdir(), 'fedstroke-tmpfs-probe-'));
  const mounted = mountTmpfs(scratch, 1 << 20);
  if (typeof mounted === 'string') {
    rmSync(scratch, { recursive: true, force: true });
    return mounted;
  }
  mounted.unmount();
  return null;
}
