/**
 * A clean-up that runs at once and then every `periodMs`, never two at a time, on a timer that does not keep the
 * process alive; `stop()` waits for the run in progress.
 */
export class PeriodicSweep {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly sweep: () => Promise<unknown>) {}

  get started(): boolean {
    return this.timer !== undefined;
  }

  start(periodMs: number): void {
    this.running = this.sweep();
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.sweep());
    }, periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
