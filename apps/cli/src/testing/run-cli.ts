import { Command } from 'commander';

/**
 * Runs CLI commands in process as `fedstroke ...argv` would, on a program that has only what `register` adds, and
 * returns what they wrote on stdout. Commander's usage errors throw (exitOverride) instead of exiting the test run;
 * `quietStderr` swallows progress lines. For command specs only: it spies on the process streams with jest.
 */
export async function runCli(
  register: (program: Command) => void,
  argv: readonly string[],
  options: { quietStderr?: boolean } = {},
): Promise<string> {
  const program = new Command('fedstroke').exitOverride();
  register(program);
  const written: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const err = options.quietStderr ? jest.spyOn(process.stderr, 'write').mockImplementation(() => true) : undefined;
  try {
    await program.parseAsync(['node', 'fedstroke', ...argv]);
  } finally {
    out.mockRestore();
    err?.mockRestore();
  }
  return written.join('');
}
