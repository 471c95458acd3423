import { randomBytes } from 'node:crypto';

export interface StackAddresses {
  kafkaBrokers: string[];
  mongoUri: string;
}

export interface TestScope extends StackAddresses {
  /** Topic prefix no other test file uses. */
  topicPrefix: string;
  /** Database no other test file uses. */
  dbName: string;
  /** Environment for a service under test, pointing at this scope. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/** The dev stack's addresses, as the jest global setup published them. */
export function stackAddresses(): StackAddresses {
  const brokers = process.env.KAFKA_BROKERS;
  const mongoUri = process.env.MONGODB_URI;
  if (!brokers || !mongoUri) {
    throw new Error(
      'KAFKA_BROKERS and MONGODB_URI are not set: run integration tests through jest (its global setup starts the dev stack)',
    );
  }
  return { kafkaBrokers: brokers.split(','), mongoUri };
}

/** A fresh topic prefix and database for one test file, so files never see each other's data. */
export function createTestScope(label: string): TestScope {
  const id = `${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}-${randomBytes(4).toString('hex')}`;
  const addresses = stackAddresses();
  const topicPrefix = `t-${id}.`;
  const dbName = `t_${id.replace(/-/g, '_')}`;
  return {
    ...addresses,
    topicPrefix,
    dbName,
    env: (extra = {}) => ({
      KAFKA_BROKERS: addresses.kafkaBrokers.join(','),
      MONGODB_URI: addresses.mongoUri,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      MONGODB_DB: dbName,
      ...extra,
    }),
  };
}
