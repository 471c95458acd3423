import { ConversationWrites, conversationWritesOf } from './conversation-writes';

/** A write that records when it ran and finishes when told to. */
function gate(log: string[], name: string) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    write: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('writes of one conversation run one after another; other conversations do not wait', async () => {
  const writes = new ConversationWrites();
  const log: string[] = [];
  const [a1, a2, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1')];
  const results = [writes.run('a', a1.write), writes.run('a', a2.write), writes.run('b', b1.write)];
  await tick();
  expect(log).toEqual(['start a1', 'start b1']);
  a1.finish();
  await tick();
  expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
  a2.finish();
  b1.finish();
  expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1']);
});

test('a failed write fails its caller only; the next one still runs', async () => {
  const writes = new ConversationWrites();
  const failed = writes.run('a', async () => Promise.reject(new Error('lost connection')));
  const next = writes.run('a', async () => 'written');
  await expect(failed).rejects.toThrow('lost connection');
  expect(await next).toBe('written');
});

test('every repository on one store shares one queue', () => {
  const store = {};
  expect(conversationWritesOf(store)).toBe(conversationWritesOf(store));
  expect(conversationWritesOf({})).not.toBe(conversationWritesOf(store));
});
