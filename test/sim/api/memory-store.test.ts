import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import type { StoreChange } from '../../../src/sim/store/object-store.js';

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
}

describe('memory store', () => {
  it('bumps one cluster-wide revision on every write and compares-and-swaps on modRevision', async () => {
    const store = createMemoryStore();
    const a = await store.put('/registry/core/nodes/a', '{"a":1}', 0);
    const b = await store.put('/registry/core/pods/ns/b', '{"b":1}', 0);
    expect(a.ok && a.entry.modRevision).toBe(1);
    expect(b.ok && b.entry.modRevision).toBe(2);
    expect((await store.put('/registry/core/nodes/a', '{}', 0)).ok).toBe(false);
    expect((await store.put('/registry/core/nodes/a', '{"a":2}', 7)).ok).toBe(false);
    const updated = await store.put('/registry/core/nodes/a', '{"a":2}', 1);
    expect(updated.ok && updated.entry).toMatchObject({ createRevision: 1, modRevision: 3 });
    expect((await store.delete('/registry/core/nodes/a', 1)).ok).toBe(false);
    expect((await store.delete('/registry/core/nodes/a', 3)).ok).toBe(true);
    expect(await store.revision()).toBe(4);
  });

  it('ranges by prefix in key order with paging and a remaining count', async () => {
    const store = createMemoryStore();
    for (const name of ['c', 'a', 'b', 'd']) await store.put(`/registry/core/pods/ns/${name}`, '{}');
    await store.put('/registry/core/pods/other/z', '{}');
    await store.put('/registry/core/podsx/ns/y', '{}');
    const first = await store.range('/registry/core/pods/ns/', { limit: 2 });
    expect(first.entries.map((e) => e.key.split('/').pop())).toEqual(['a', 'b']);
    expect(first).toMatchObject({ more: true, remaining: 2 });
    const rest = await store.range('/registry/core/pods/ns/', { startAfter: '/registry/core/pods/ns/b' });
    expect(rest.entries.map((e) => e.key.split('/').pop())).toEqual(['c', 'd']);
    expect((await store.range('/registry/core/pods/')).entries).toHaveLength(5);
  });

  it('replays the feed after a revision, then streams live changes, in order', async () => {
    const store = createMemoryStore();
    await store.put('/k/a', '1');
    await store.put('/k/b', '1');
    const seen: StoreChange[] = [];
    const watch = store.watch(
      '/k/',
      1,
      (change) => seen.push(change),
      () => undefined,
    );
    await store.put('/k/a', '2');
    await store.delete('/k/b');
    await store.put('/other/x', '1');
    await settle();
    watch.cancel();
    expect(seen.map((c) => [c.type, c.key, c.modRevision])).toEqual([
      ['put', '/k/b', 2],
      ['put', '/k/a', 3],
      ['delete', '/k/b', 4],
    ]);
    expect(seen[2]?.value).toBe('1');
    expect(watch.progressRevision()).toBe(5);
  });

  it('answers a watch from a revision older than its bounded history with onExpired', async () => {
    const store = createMemoryStore({ historyLimit: 2 });
    for (let i = 0; i < 5; i++) await store.put('/k/a', String(i));
    expect(await store.compactedRevision()).toBe(3);
    const expired = await new Promise<number>((resolve) => {
      store.watch('/k/', 1, () => undefined, resolve);
    });
    expect(expired).toBe(3);
    const seen: number[] = [];
    const ok = store.watch(
      '/k/',
      3,
      (c) => seen.push(c.modRevision),
      () => undefined,
    );
    await settle();
    ok.cancel();
    expect(seen).toEqual([4, 5]);
  });
});
