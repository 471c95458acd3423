import type { ProcessSpec } from './process-supervisor';

/** Everything needed to run one local service, whether supervised (tests) or detached (CLI). */
export interface LocalService {
  kind: 'kafka' | 'mongo' | 'postgres';
  /** e.g. "Kafka on 127.0.0.1:19092", for messages */
  what: string;
  /** Client address: broker list for Kafka, connection URI for Mongo. */
  address: string;
  logFile: string;
  spec: ProcessSpec;
  /** Writes config and initialises storage; safe to repeat before each start. */
  prepare(): Promise<void>;
  /** Resolves once the service answers its protocol; rejects otherwise. */
  probe(): Promise<void>;
  readyTimeoutMs: number;
}
