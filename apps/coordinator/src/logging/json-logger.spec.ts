import { JsonLogger } from './json-logger';

describe("JsonLogger (Nest's messages in the coordinator's JSON log)", () => {
  const collect = () => {
    const lines: Array<Record<string, unknown>> = [];
    return { lines, logger: new JsonLogger('debug', (line) => lines.push(JSON.parse(line))) };
  };

  it('keeps the stack trace Nest passes with an exception, and the context', () => {
    const { lines, logger } = collect();
    const error = new Error('boom');
    logger.error(error.message, error.stack, 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 'error', event: 'nest', message: 'boom', context: 'ExceptionsHandler' });
    expect(lines[0].stack).toContain('json-logger.spec.ts');
  });

  it('reads error(message, context) as a context, not a stack', () => {
    const { lines, logger } = collect();
    logger.error('refused', 'RoutesResolver');
    expect(lines[0]).toMatchObject({ message: 'refused', context: 'RoutesResolver' });
    expect(lines[0]).not.toHaveProperty('stack');
  });

  it('maps log, warn, debug and verbose onto info, warn, debug, debug', () => {
    const { lines, logger } = collect();
    logger.log('a', 'X');
    logger.warn('b');
    logger.debug('c');
    logger.verbose('d');
    expect(lines.map((l) => l.level)).toEqual(['info', 'warn', 'debug', 'debug']);
  });
});
