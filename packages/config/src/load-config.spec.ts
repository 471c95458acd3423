import { z } from 'zod';
import { baseEnv } from './env-schemas';
import { ConfigError, loadConfig } from './load-config';

const validEnv = { KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093', MONGODB_URI: 'mongodb://127.0.0.1:27017' };

describe('loadConfig', () => {
  it('parses, coerces and applies defaults', () => {
    const config = loadConfig(baseEnv, { ...validEnv, HTTP_PORT: '8081' });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.HTTP_PORT).toBe(8081);
    expect(config.MONGODB_DB).toBe('omni');
    expect(config.KAFKA_TOPIC_PREFIX).toBe('');
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig(baseEnv, { KAFKA_BROKERS: 'not a broker', HTTP_PORT: '99999' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('KAFKA_BROKERS: expected a comma-separated list of host:port');
    expect(message).toContain('MONGODB_URI: required but not set');
    expect(message).toContain('HTTP_PORT');
  });

  it('treats an empty value as unset', () => {
    const config = loadConfig(baseEnv, { ...validEnv, MONGODB_DB: '' });
    expect(config.MONGODB_DB).toBe('omni');
  });

  it('extends with a service schema', () => {
    const schema = baseEnv.extend({ SMTP_PORT: z.coerce.number().default(2525) });
    expect(loadConfig(schema, validEnv).SMTP_PORT).toBe(2525);
  });
});
