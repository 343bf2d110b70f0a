/**
 * Round deadlines as timers that are always derived from the stored `deadlineAt`: arming again after a restart
 * or a pause gives the same wake-up as before, and nothing about a deadline lives only in memory.
 */
const MAX_TIMEOUT_MS = 2_147_483_647;

export class DeadlineTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  arm(roundId: string, deadlineAt: number, fire: () => void): void {
    this.clear(roundId);
    // Long deadlines exceed setTimeout's range; firing early just re-arms from the stored deadline.
    const delay = Math.min(Math.max(0, deadlineAt - Date.now()), MAX_TIMEOUT_MS);
    const timer = setTimeout(() => {
      this.timers.delete(roundId);
      fire();
    }, delay);
    timer.unref();
    this.timers.set(roundId, timer);
  }

  clear(roundId: string): void {
    const timer = this.timers.get(roundId);
    if (timer) clearTimeout(timer);
    this.timers.delete(roundId);
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
