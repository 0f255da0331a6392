// Tables of the fixture migrations in ./migrations, generated from this file with
// `npx drizzle-kit generate --dialect postgresql --schema <this file> --out <./migrations> --name init`.
// The enum and the foreign key make drizzle-kit qualify names with "public", which is what a per-service
// schema has to cope with.
import { relations, sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text } from 'drizzle-orm/pg-core';

export const placeKind = pgEnum('place_kind', ['town', 'venue']);

export const structures = pgTable('structures', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
});

export const places = pgTable(
  'places',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    structureId: integer('structure_id').references(() => structures.id),
    kind: placeKind('kind').notNull().default('town'),
    name: text('name').notNull(),
    nameSearch: text('name_search').notNull(),
  },
  (t) => [index('places_name_search_idx').using('gin', sql`to_tsvector('simple', ${t.nameSearch})`)],
);

export const structuresRelations = relations(structures, ({ many }) => ({ places: many(places) }));
export const placesRelations = relations(places, ({ one }) => ({
  structure: one(structures, { fields: [places.structureId], references: [structures.id] }),
}));
