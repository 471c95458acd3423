import { waitFor } from '@omni/testing';
import { checkPendingRequestsOnlyWhileWaiting } from './request-queue-timers';

/** kafkajs's per-connection queue, driven here as a broker connection drives it. */
interface Queue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}
interface Entry {
  correlationId: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  resolve(): void;
  reject(error: Error): void;
}
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

let queue: Queue;
const sent: number[] = [];

function push(correlationId: number): void {
  const entry = { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve() {}, reject() {} };
  queue.push({ entry, expectResponse: true, sendRequest: () => sent.push(correlationId) });
}
const answer = (correlationId: number) => queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A look scheduled while requests waited may still fire once; after it none is armed again. */
async function expectTimersToStop(): Promise<void> {
  await waitFor('the last scheduled look to fire', () => queue.throttleCheckTimeoutId === null, {
    timeoutMs: 200,
    intervalMs: 5,
  });
  await sleep(20);
  expect(queue.throttleCheckTimeoutId).toBeNull();
}

beforeAll(() => {
  expect(checkPendingRequestsOnlyWhileWaiting()).toBe(true);
});

beforeEach(() => {
  sent.length = 0;
  queue = new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:9092',
    logger: silent,
  });
});

afterEach(() => queue.destroy());

describe('a broker connection with nothing waiting to be sent', () => {
  it('keeps no timer once its requests are answered (kafkajs 2.2.4 re-armed one every millisecond)', async () => {
    push(1);
    answer(1);
    expect(sent).toEqual([1]);
    expect(queue.throttleCheckTimeoutId).toBeNull();
    await expectTimersToStop();
  });
});

describe('requests that wait', () => {
  it('go out one by one as the in-flight limit frees, and leave no timer after the last answer', async () => {
    push(1);
    push(2);
    expect(sent).toEqual([1]);
    answer(1);
    expect(sent).toEqual([1, 2]);
    answer(2);
    await expectTimersToStop();
  });

  it('go out when the broker-asked throttle ends, without another request to wake them', async () => {
    queue.maybeThrottle(50);
    push(1);
    expect(sent).toEqual([]);
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    await waitFor('the throttled request to go out', () => sent.length === 1, { timeoutMs: 2_000, intervalMs: 5 });
    answer(1);
    await expectTimersToStop();
  });
});
