/**
 * A progress bar for long work, on stderr so that `--json` output on stdout stays machine-readable.
 * On a TTY it redraws one line; elsewhere (CI logs, pipes) it prints a line every 10% so logs stay short.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  /** Silence entirely (tests, --quiet). */
  silent?: boolean;
}

export class ProgressBar {
  private done = 0;
  private lastDecile = -1;
  private readonly started = Date.now();
  private readonly stream: NodeJS.WriteStream;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
  }

  tick(step = 1, note = ''): void {
    this.update(this.done + step, note);
  }

  update(done: number, note = ''): void {
    this.done = Math.min(done, this.options.total);
    if (this.options.silent) return;
    const fraction = this.options.total > 0 ? this.done / this.options.total : 1;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : 0;
    const text = `${this.options.label} ${this.done}/${this.options.total} ${(fraction * 100).toFixed(0)}% ${elapsed.toFixed(1)}s elapsed, eta ${eta.toFixed(0)}s${note ? ` ${note}` : ''}`;
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
      if (this.done >= this.options.total) this.stream.write('\n');
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${text}\n`);
      }
    }
  }
}
