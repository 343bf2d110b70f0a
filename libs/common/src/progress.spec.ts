import { ProgressBar } from './progress';

function captureStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

describe('ProgressBar', () => {
  it('prints one line per 10% on a non-TTY stream, ending at 100%', () => {
    const out = captureStream(false);
    const bar = new ProgressBar({ label: 'synth', total: 100, stream: out.stream });
    for (let i = 0; i < 100; i++) bar.tick();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(11); // the first tick, then each decile up to 100%;
    expect(lines[lines.length - 1]).toMatch(/^synth 100\/100 100%/);
  });

  it('redraws in place on a TTY and ends with a newline', () => {
    const out = captureStream(true);
    const bar = new ProgressBar({ label: 'train', total: 3, stream: out.stream });
    bar.tick(1, 'loss 0.9');
    bar.tick(2, 'loss 0.5');
    expect(out.text()).toContain('\r[');
    expect(out.text()).toContain('loss 0.5');
    expect(out.text().endsWith('\n')).toBe(true);
  });

  it('writes nothing when silent', () => {
    const out = captureStream(false);
    new ProgressBar({ label: 'x', total: 2, stream: out.stream, silent: true }).tick(2);
    expect(out.text()).toBe('');
  });
});
