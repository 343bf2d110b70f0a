import { configChecks, emptyAsUnset } from './config-checks';

class TestConfigError extends Error {
  constructor(
    readonly variable: string,
    constraint: string,
  ) {
    super(`${variable} ${constraint}`);
  }
}

const check = configChecks((variable, constraint) => new TestConfigError(variable, constraint));

/** Runs `fn`, expecting the app's error class with exactly this message. */
function refusal(fn: () => unknown): { variable: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TestConfigError);
    return { variable: (error as TestConfigError).variable, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('configChecks', () => {
  it('integerInRange keeps integers inside the bounds and names the bounds and the value otherwise', () => {
    expect(check.integerInRange('V_PORT', 0, 0, 65535)).toBe(0);
    expect(check.integerInRange('V_PORT', 65535, 0, 65535)).toBe(65535);
    expect(refusal(() => check.integerInRange('V_PORT', 65536, 0, 65535))).toEqual({
      variable: 'V_PORT',
      message: 'V_PORT must be an integer in [0, 65535] (got 65536)',
    });
    expect(refusal(() => check.integerInRange('V_N', 1.5, 1, 4)).message).toBe(
      'V_N must be an integer in [1, 4] (got 1.5)',
    );
    expect(refusal(() => check.integerInRange('V_N', NaN, 1, 4)).message).toBe(
      'V_N must be an integer in [1, 4] (got NaN)',
    );
  });

  it('optionalInteger reads integer text, leaves unset and empty as undefined, and quotes anything else', () => {
    expect(check.optionalInteger('V_N', undefined)).toBeUndefined();
    expect(check.optionalInteger('V_N', '')).toBeUndefined();
    expect(check.optionalInteger('V_N', ' -12 ')).toBe(-12);
    for (const raw of ['two', '1.5', '1e3', '0x10']) {
      expect(refusal(() => check.optionalInteger('V_N', raw)).message).toBe(`V_N must be an integer (got "${raw}")`);
    }
  });

  it('optionalBoolean takes true/false, 1/0 and yes/no in any case, and refuses the rest with the forms it takes', () => {
    for (const raw of ['true', 'TRUE', '1', 'yes', ' Yes ']) expect(check.optionalBoolean('V_B', raw)).toBe(true);
    for (const raw of ['false', '0', 'no', 'No']) expect(check.optionalBoolean('V_B', raw)).toBe(false);
    expect(check.optionalBoolean('V_B', undefined)).toBeUndefined();
    expect(check.optionalBoolean('V_B', '')).toBeUndefined();
    expect(refusal(() => check.optionalBoolean('V_B', 'maybe')).message).toBe(
      'V_B must be true or false (also 1/0, yes/no; got "maybe")',
    );
  });

  it('required refuses blank text', () => {
    expect(check.required('V_DIR', '/data')).toBe('/data');
    expect(refusal(() => check.required('V_DIR', '  ')).message).toBe('V_DIR is required (got an empty value)');
  });

  it('oneOf keeps a listed word and lists the words otherwise', () => {
    expect(check.oneOf('V_LEVEL', 'warn', ['debug', 'info', 'warn'] as const)).toBe('warn');
    expect(refusal(() => check.oneOf('V_LEVEL', 'loud', ['debug', 'info'])).message).toBe(
      'V_LEVEL must be one of debug, info (got "loud")',
    );
  });

  it('absolutePath refuses a relative path', () => {
    expect(check.absolutePath('V_ROOT', '/srv/x')).toBe('/srv/x');
    expect(refusal(() => check.absolutePath('V_ROOT', 'srv/x')).message).toBe(
      'V_ROOT must be an absolute path (got "srv/x")',
    );
  });

  it('httpUrl takes http(s) URLs without their trailing slashes and shows the expected form otherwise', () => {
    expect(check.httpUrl('V_URL', 'https://coordinator:4000//', 'http://host:4000')).toBe('https://coordinator:4000');
    expect(refusal(() => check.httpUrl('V_URL', 'coordinator:4000x', 'http://host:4000')).message).toMatch(
      /^V_URL must (be an http\(s\) URL such as http:\/\/host:4000|use http or https)/,
    );
    expect(refusal(() => check.httpUrl('V_URL', 'not a url', 'http://host:4000')).message).toBe(
      'V_URL must be an http(s) URL such as http://host:4000 (got "not a url")',
    );
    expect(refusal(() => check.httpUrl('V_URL', 'ftp://host/', 'http://host:4000')).message).toBe(
      'V_URL must use http or https (got ftp:)',
    );
  });

  it('emptyAsUnset treats VAR= as unset', () => {
    expect(emptyAsUnset('')).toBeUndefined();
    expect(emptyAsUnset(undefined)).toBeUndefined();
    expect(emptyAsUnset(' ')).toBe(' ');
  });
});
