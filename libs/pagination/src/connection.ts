import type { Type } from '@nestjs/common';
import { Directive, Field, Int, ObjectType } from '@nestjs/graphql';
import { encodeCursor, type CursorValue } from './cursor.js';

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface PageInfoShape {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfoShape;
  totalCount: number;
}

/**
 * Builds a connection from a keyset query that fetched `first + 1` rows: the extra row only says
 * whether there is a next page.
 */
export function toConnection<T>(
  rows: T[],
  first: number,
  ordering: string,
  keyOf: (row: T) => CursorValue[],
  totalCount: number,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(ordering, keyOf(node)) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

// Every subgraph defines the same PageInfo; federation needs it marked shareable.
@ObjectType()
@Directive('@shareable')
export class PageInfo implements PageInfoShape {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** The Relay connection type of `nodeType`, named `<Name>Connection` with `<Name>Edge`. */
export function ConnectionType<T>(nodeType: Type<T>, name: string = nodeType.name): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionClass as Type<Connection<T>>;
}
