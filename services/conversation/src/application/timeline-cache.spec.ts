import { TimelinePageCache, type TimelinePageKey } from './timeline-cache';

const key = (overrides: Partial<TimelinePageKey> = {}): TimelinePageKey => ({
  tenantId: 'acme',
  conversationId: 'conv_1',
  pageSize: 20,
  mark: 'm1',
  ...overrides,
});

function cache(options: { maxEntries?: number; maxBytes?: number } = {}) {
  return new TimelinePageCache<string>({
    maxEntries: options.maxEntries ?? 100,
    maxBytes: options.maxBytes ?? 1_000,
    sizeOf: (value) => value.length,
  });
}

/** A loader that reports how often it ran. */
function loader(value: string) {
  const load = jest.fn(async () => value);
  return load;
}

test('answers the same page at the same mark without loading it again', async () => {
  const pages = cache();
  const load = loader('page');
  expect(await pages.get(key(), load)).toBe('page');
  expect(await pages.get(key(), loader('other'))).toBe('page');
  expect(load).toHaveBeenCalledTimes(1);
  expect(pages.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 4 });
});

test('a new mark loads afresh and replaces the page held for the old one', async () => {
  const pages = cache();
  await pages.get(key(), loader('before'));
  expect(await pages.get(key({ mark: 'm2' }), loader('after'))).toBe('after');
  expect(await pages.get(key({ mark: 'm2' }), loader('unused'))).toBe('after');
  // The old mark is gone, not kept beside the new one.
  expect(await pages.get(key(), loader('before again'))).toBe('before again');
  expect(pages.stats().entries).toBe(1);
});

test('a conversation without a mark is never cached', async () => {
  const pages = cache();
  await pages.get(key({ mark: '' }), loader('one'));
  expect(await pages.get(key({ mark: '' }), loader('two'))).toBe('two');
  expect(pages.stats()).toMatchObject({ entries: 0, hits: 0 });
});

test("one tenant never gets another's page, nor one page size another's", async () => {
  const pages = cache();
  await pages.get(key(), loader('acme page'));
  expect(await pages.get(key({ tenantId: 'globex' }), loader('globex page'))).toBe('globex page');
  expect(await pages.get(key({ pageSize: 50 }), loader('bigger page'))).toBe('bigger page');
  expect(await pages.get(key(), loader('unused'))).toBe('acme page');
});

test('drops the least recently used page beyond the entry bound', async () => {
  const pages = cache({ maxEntries: 2 });
  await pages.get(key({ conversationId: 'a' }), loader('A'));
  await pages.get(key({ conversationId: 'b' }), loader('B'));
  await pages.get(key({ conversationId: 'a' }), loader('unused')); // a is now the most recent
  await pages.get(key({ conversationId: 'c' }), loader('C'));
  expect(await pages.get(key({ conversationId: 'a' }), loader('reloaded'))).toBe('A');
  expect(await pages.get(key({ conversationId: 'b' }), loader('B reloaded'))).toBe('B reloaded');
  expect(pages.stats()).toMatchObject({ entries: 2, evictions: 2 });
});

test('stays within the byte bound and does not keep a page larger than the bound', async () => {
  const pages = cache({ maxBytes: 10 });
  await pages.get(key({ conversationId: 'a' }), loader('aaaa'));
  await pages.get(key({ conversationId: 'b' }), loader('bbbb'));
  await pages.get(key({ conversationId: 'c' }), loader('cccc'));
  expect(pages.stats()).toMatchObject({ entries: 2, bytes: 8 });
  expect(await pages.get(key({ conversationId: 'huge' }), loader('x'.repeat(11)))).toBe('x'.repeat(11));
  expect(pages.stats()).toMatchObject({ entries: 2, bytes: 8 });
});

test('concurrent misses of one page share one load; a failed load is not kept', async () => {
  const pages = cache();
  let release: (value: string) => void = () => undefined;
  const load = jest.fn(() => new Promise<string>((resolve) => (release = resolve)));
  const both = Promise.all([pages.get(key(), load), pages.get(key(), load)]);
  release('shared');
  expect(await both).toEqual(['shared', 'shared']);
  expect(load).toHaveBeenCalledTimes(1);

  const failing = jest.fn(async () => Promise.reject(new Error('database down')));
  await expect(pages.get(key({ mark: 'm2' }), failing)).rejects.toThrow('database down');
  expect(await pages.get(key({ mark: 'm2' }), loader('recovered'))).toBe('recovered');
});

test('a bound of zero entries turns the cache off', async () => {
  const pages = cache({ maxEntries: 0 });
  await pages.get(key(), loader('one'));
  expect(await pages.get(key(), loader('two'))).toBe('two');
});
