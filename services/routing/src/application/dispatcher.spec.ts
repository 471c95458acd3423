import { createTestLogger } from '@omni/testing';
import type { RoutingStateRepository } from '../adapters/mongo/routing-state.repository';
import { Dispatcher } from './dispatcher';
import type { Router } from './router';

/** Resolves after `depth` turns of the microtask queue. */
async function microtasks(depth: number): Promise<void> {
  for (let i = 0; i < depth; i++) await Promise.resolve();
}

describe('Dispatcher.wake', () => {
  // A wake may land at any point of a pass's end; whichever it is, a pass runs after it.
  it.each(Array.from({ length: 12 }, (_, depth) => depth))(
    'runs another pass for a wake %i microtasks after the last read of a pass',
    async (depth) => {
      let passes = 0;
      let wokeLate: Promise<void> | undefined;
      const states = {
        undecided: async () => {
          passes++;
          if (passes === 1) wokeLate = microtasks(depth).then(() => dispatcher.wake());
          return [];
        },
      } as unknown as RoutingStateRepository;
      const dispatcher = new Dispatcher({} as Router, states, createTestLogger());
      dispatcher.wake();
      await wokeLate;
      await microtasks(50);
      await dispatcher.stop();
      expect(passes).toBe(2);
    },
  );
});
