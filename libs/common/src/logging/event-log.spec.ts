import { EventLog } from './event-log';

function collect(level: ConstructorParameters<typeof EventLog>[0]) {
  const lines: string[] = [];
  const log = new EventLog(level, (line) => lines.push(line));
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('EventLog', () => {
  it('writes one JSON object per line: level label, ISO time, event and its fields, no pid or hostname', () => {
    const { log, lines, parsed } = collect('info');
    log.event('info', 'round.opened', { roundIndex: 3, federationId: 'f-1', absent: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    const [line] = parsed();
    expect(line).toEqual({
      level: 'info',
      time: expect.any(String),
      event: 'round.opened',
      roundIndex: 3,
      federationId: 'f-1',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('drops what is below its level and writes nothing when silent', () => {
    const warn = collect('warn');
    warn.log.event('debug', 'a');
    warn.log.event('info', 'b');
    warn.log.event('warn', 'c');
    warn.log.event('error', 'd');
    expect(warn.parsed().map((l) => [l.level, l.event])).toEqual([
      ['warn', 'c'],
      ['error', 'd'],
    ]);
    const silent = collect('silent');
    silent.log.event('error', 'e');
    expect(silent.lines).toEqual([]);
  });

  it('adds bound fields to every later line, not to earlier ones', () => {
    const { log, parsed } = collect('debug');
    log.event('info', 'before');
    log.bind({ siteId: 's-1', siteName: 'north' });
    log.event('debug', 'after', { step: 1 });
    expect(parsed()).toEqual([
      expect.not.objectContaining({ siteId: expect.anything() }),
      expect.objectContaining({ event: 'after', siteId: 's-1', siteName: 'north', step: 1 }),
    ]);
  });
});
