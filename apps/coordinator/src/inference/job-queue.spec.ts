import { JobQueue, QueueFullError } from './job-queue';

/** A task that runs until released (or aborted), recording what happened to it. */
function gatedTask(id: string, log: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    task: {
      id,
      run: (signal: AbortSignal) =>
        new Promise<void>((resolve, reject) => {
          log.push(`start ${id}`);
          signal.addEventListener('abort', () => {
            log.push(`abort ${id}`);
            reject(signal.reason);
          });
          void gate.then(() => {
            log.push(`done ${id}`);
            resolve();
          });
        }),
      onTimeout: () => log.push(`timeout ${id}`),
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('JobQueue', () => {
  it('runs up to the concurrency, queues up to the capacity and refuses the next one at once', async () => {
    const log: string[] = [];
    const queue = new JobQueue(1, 2, 60_000);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => gatedTask(id, log));
    queue.submit(a.task);
    queue.submit(b.task);
    queue.submit(c.task);
    expect(() => queue.submit(d.task)).toThrow(QueueFullError);
    expect(() => queue.submit(d.task)).toThrow(
      'the inference queue is full (1 running, 2 waiting, the limit); retry later',
    );
    await tick();
    expect(queue.stats()).toEqual({ running: 1, waiting: 2 });
    expect([queue.position('b'), queue.position('c'), queue.position('a')]).toEqual([1, 2, 0]);
    a.release();
    await tick();
    b.release();
    c.release();
    await tick();
    await tick();
    expect(log).toEqual(['start a', 'done a', 'start b', 'done b', 'start c', 'done c']);
    expect(queue.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it('aborts a job past the timeout and frees its slot only once it has stopped', async () => {
    const log: string[] = [];
    // The queue's own clock is faked: the timeout fires when the test says so, not after a real wait.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const queue = new JobQueue(1, 1, 20);
      const slow = gatedTask('slow', log);
      const next = gatedTask('next', log);
      queue.submit(slow.task);
      queue.submit(next.task);
      await jest.advanceTimersByTimeAsync(19);
      expect(log).toEqual(['start slow']);
      await jest.advanceTimersByTimeAsync(1);
      await tick();
      expect(log).toEqual(['start slow', 'timeout slow', 'abort slow', 'start next']);
      next.release();
      await tick();
      expect(queue.stats()).toEqual({ running: 0, waiting: 0 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('on close drops the waiting jobs, aborts the running ones and resolves once they stopped', async () => {
    const log: string[] = [];
    const queue = new JobQueue(1, 2, 60_000);
    const [a, b] = ['a', 'b'].map((id) => gatedTask(id, log));
    queue.submit(a.task);
    queue.submit(b.task);
    await tick();
    const dropped = await queue.close();
    expect(dropped.map((task) => task.id)).toEqual(['b']);
    expect(log).toEqual(['start a', 'abort a']);
    expect(queue.stats()).toEqual({ running: 0, waiting: 0 });
    expect(() => queue.submit(gatedTask('c', log).task)).toThrow(QueueFullError);
  });
});
