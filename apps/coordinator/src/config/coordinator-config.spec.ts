import { join, resolve } from 'node:path';
import { ConfigError } from './config.error';
import { configFromEnvironment, resolveCoordinatorConfig } from './coordinator-config';

const ADMIN = 'admin-token-0123456789';

describe('coordinator config', () => {
  it('fills defaults and puts the SQLite file under the data directory', () => {
    const config = configFromEnvironment({ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATA_DIR: '/srv/fed' });
    expect(config).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      dataDir: '/srv/fed',
      database: { kind: 'sqlite', file: '/srv/fed/coordinator.sqlite' },
      artifactsDir: resolve('onnx-models'),
      uploadSlackBytes: 1 << 20,
      longPollMaxSeconds: 30,
      logLevel: 'info',
    });
    expect(config.readonlyToken).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = configFromEnvironment({
      FEDSTROKE_ADMIN_TOKEN: ADMIN,
      FEDSTROKE_READONLY_TOKEN: 'readonly-token-0123456789',
      FEDSTROKE_INFERENCE_TOKEN: 'inference-token-0123456789',
      FEDSTROKE_DATA_DIR: '/srv/fed',
      FEDSTROKE_PORT: '8080',
      FEDSTROKE_DATABASE_URL: 'sqlite://db/main.sqlite',
      FEDSTROKE_ARTIFACTS_DIR: '/models',
      FEDSTROKE_UPLOAD_SLACK_BYTES: '4096',
      FEDSTROKE_LONG_POLL_MAX_SECONDS: '5',
      FEDSTROKE_LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 8080,
      database: { kind: 'sqlite', file: join('/srv/fed', 'db/main.sqlite') },
      artifactsDir: '/models',
      uploadSlackBytes: 4096,
      longPollMaxSeconds: 5,
      logLevel: 'warn',
    });
    expect(
      configFromEnvironment({ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATABASE_URL: 'postgres://u:p@h/db' }).database,
    ).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@h/db',
    });
  });

  it.each([
    [{}, /^FEDSTROKE_ADMIN_TOKEN is required/],
    [{ FEDSTROKE_ADMIN_TOKEN: 'short' }, /^FEDSTROKE_ADMIN_TOKEN must be at least 16 characters/],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_PORT: 'http' }, /^FEDSTROKE_PORT must be an integer \(got "http"\)/],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_PORT: '70000' }, /^FEDSTROKE_PORT must be an integer in \[0, 65535\]/],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_LOG_LEVEL: 'loud' }, /^FEDSTROKE_LOG_LEVEL must be one of debug, info/],
    [
      { FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_DATABASE_URL: 'mysql://x:secret@h/db' },
      /^FEDSTROKE_DATABASE_URL must start with sqlite:\/\/, file: or postgres:\/\/ \(got "mysql:\/\/\*\*\*@h\/db"\)/,
    ],
    [{ FEDSTROKE_ADMIN_TOKEN: ADMIN, FEDSTROKE_READONLY_TOKEN: ADMIN }, /must all differ/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => configFromEnvironment(env)).toThrow(ConfigError);
    expect(() => configFromEnvironment(env)).toThrow(message);
  });

  it('applies the same checks to a config built in code', () => {
    expect(() => resolveCoordinatorConfig({ adminToken: ADMIN, dataDir: ' ' })).toThrow(
      /^FEDSTROKE_DATA_DIR must not be empty/,
    );
    expect(() => resolveCoordinatorConfig({ adminToken: ADMIN, dataDir: '/d', longPollMaxSeconds: -1 })).toThrow(
      /^FEDSTROKE_LONG_POLL_MAX_SECONDS must be an integer in \[0, 600\]/,
    );
  });
});
