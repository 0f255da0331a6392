// The four subgraphs of the gateway comparison (S7): accounts, products, inventory and reviews, in the
// shape of the public gateways benchmark (written here, not copied). Their data is small and fixed, so
// that every answer can be computed once and served from a cache (subgraph-server.ts): the subgraphs
// must never be what limits a gateway.
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type DocumentNode, type GraphQLSchema, parse } from 'graphql';

export const BENCH_SUBGRAPH_NAMES = ['accounts', 'products', 'inventory', 'reviews'] as const;
export type BenchSubgraphName = (typeof BENCH_SUBGRAPH_NAMES)[number];

export interface BenchUser {
  id: string;
  name: string;
  username: string;
  birthday: number;
}

export interface BenchProduct {
  upc: string;
  name: string;
  price: number;
  weight: number;
}

export interface BenchReview {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

const USER_COUNT = 6;
const PRODUCT_COUNT = 10;
const REVIEW_COUNT = 18;
/** `topProducts` without `first`. */
export const DEFAULT_TOP_PRODUCTS = 5;

/** The fixed data set, the same in every process (no randomness: answers are compared byte for byte). */
export const BENCH_DATA = {
  users: Array.from({ length: USER_COUNT }, (_, i): BenchUser => ({
    id: `user-${i + 1}`,
    name: `Promeneur ${i + 1}`,
    username: `promeneur${i + 1}`,
    birthday: 1_000_000_000 + i * 86_400,
  })),
  products: Array.from({ length: PRODUCT_COUNT }, (_, i): BenchProduct => ({
    upc: `${100 + i}`,
    name: `Produit ${i + 1}`,
    price: 250 + i * 175,
    weight: 10 + i * 7,
  })),
  reviews: Array.from({ length: REVIEW_COUNT }, (_, i): BenchReview => ({
    id: `review-${i + 1}`,
    body: `Avis ${i + 1} : un texte court mais réaliste sur le produit, pour que les réponses aient du volume.`,
    authorId: `user-${(i % USER_COUNT) + 1}`,
    productUpc: `${100 + ((i * 3) % PRODUCT_COUNT)}`,
  })),
};

/** Free shipping above 1,000, else half a unit per unit of weight: needs `price` and `weight` from products (@requires). */
export function shippingEstimate(product: Pick<BenchProduct, 'price' | 'weight'>): number {
  return product.price > 1000 ? 0 : Math.round(product.weight * 0.5);
}

/** Whether a product is in stock (inventory's own field). */
export function inStock(upc: string): boolean {
  return Number(upc) % 3 !== 0;
}

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])';

export const BENCH_TYPE_DEFS: Record<BenchSubgraphName, DocumentNode> = {
  accounts: parse(`
    ${FEDERATION}
    type Query {
      me: User
      user(id: ID!): User
      users: [User]
    }
    type User @key(fields: "id") {
      id: ID!
      name: String
      username: String @shareable
      birthday: Int
    }
  `),
  products: parse(`
    ${FEDERATION}
    type Query {
      topProducts(first: Int = ${DEFAULT_TOP_PRODUCTS}): [Product]
    }
    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Int
      weight: Int
    }
  `),
  inventory: parse(`
    ${FEDERATION}
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }
  `),
  reviews: parse(`
    ${FEDERATION}
    type Review @key(fields: "id") {
      id: ID!
      body: String
      author: User @provides(fields: "username")
      product: Product
    }
    type User @key(fields: "id") {
      id: ID!
      username: String @external
      reviews: [Review]
    }
    type Product @key(fields: "upc") {
      upc: String!
      reviews: [Review]
    }
  `),
};

const usersById = new Map(BENCH_DATA.users.map((user) => [user.id, user]));
const productsByUpc = new Map(BENCH_DATA.products.map((product) => [product.upc, product]));
const reviewsById = new Map(BENCH_DATA.reviews.map((review) => [review.id, review]));

export const reviewsOfUser = (id: string) => BENCH_DATA.reviews.filter((review) => review.authorId === id);
export const reviewsOfProduct = (upc: string) => BENCH_DATA.reviews.filter((review) => review.productUpc === upc);

const RESOLVERS: Record<BenchSubgraphName, GraphQLResolverMap<unknown>> = {
  accounts: {
    Query: {
      me: () => BENCH_DATA.users[0],
      user: (_: unknown, { id }: { id: string }) => usersById.get(id) ?? null,
      users: () => BENCH_DATA.users,
    },
    User: { __resolveReference: ({ id }: { id: string }) => usersById.get(id) ?? null },
  },
  products: {
    Query: { topProducts: (_: unknown, { first }: { first: number }) => BENCH_DATA.products.slice(0, first) },
    Product: { __resolveReference: ({ upc }: { upc: string }) => productsByUpc.get(upc) ?? null },
  },
  inventory: {
    Product: {
      __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => reference,
      inStock: ({ upc }: { upc: string }) => inStock(upc),
      shippingEstimate: (reference: { price: number; weight: number }) => shippingEstimate(reference),
    },
  },
  reviews: {
    Review: {
      __resolveReference: ({ id }: { id: string }) => reviewsById.get(id) ?? null,
      author: (review: BenchReview) => ({ id: review.authorId, username: usersById.get(review.authorId)?.username }),
      product: (review: BenchReview) => ({ upc: review.productUpc }),
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      reviews: ({ id }: { id: string }) => reviewsOfUser(id),
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
      reviews: ({ upc }: { upc: string }) => reviewsOfProduct(upc),
    },
  },
};

export function benchSubgraphSchema(name: BenchSubgraphName): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: BENCH_TYPE_DEFS[name], resolvers: RESOLVERS[name] }]);
}
