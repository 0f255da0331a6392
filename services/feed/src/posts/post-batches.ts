import DataLoader from 'dataloader';

/**
 * Lookups by id batched per tick within a group: the loads made with the same group key while a
 * response is being resolved (every post of a page asking for its first comments with the same
 * `first`/`after`, by the same viewer) become one statement. Groups differ by their arguments, so a
 * query that asks for comments with two different `first` costs one statement per distinct set.
 * Not a cache: each tick reads afresh.
 */
export function batchByGroup<Group, Value>(fetch: (group: Group, ids: string[]) => Promise<Map<string, Value>>, missing: () => Value) {
  const open = new Map<string, DataLoader<string, Value>>();
  return (groupKey: string, group: Group, id: string): Promise<Value> => {
    let loader = open.get(groupKey);
    if (!loader) {
      const created: DataLoader<string, Value> = new DataLoader<string, Value>(
        async (ids) => {
          // Loads made after this batch went out start a new one.
          if (open.get(groupKey) === created) open.delete(groupKey);
          const found = await fetch(group, [...new Set(ids)]);
          return ids.map((key) => found.get(key) ?? missing());
        },
        { cache: false },
      );
      loader = created;
      open.set(groupKey, loader);
    }
    return loader.load(id);
  };
}
