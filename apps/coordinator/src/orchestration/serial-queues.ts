/**
 * One promise chain per key: work for a federation runs strictly one step at a time (an upload-triggered step
 * never races a deadline-triggered one), while different federations proceed independently.
 */
export class SerialQueues {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, task: () => Promise<void>, onError: (error: unknown) => void): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task).catch(onError);
    this.tails.set(key, next);
    void next.then(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
