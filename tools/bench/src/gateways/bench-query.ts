// The one query of the gateway comparison: users → reviews → product → reviews → author → reviews →
// product, and top products → reviews → author → reviews → product, each product with inventory's
// fields (shippingEstimate through @requires). Planned over the four subgraphs it takes about 16 fetches.
import { isDeepStrictEqual } from 'node:util';
import {
  BENCH_DATA,
  type BenchProduct,
  type BenchReview,
  type BenchUser,
  DEFAULT_TOP_PRODUCTS,
  inStock,
  reviewsOfProduct,
  reviewsOfUser,
  shippingEstimate,
} from './bench-subgraphs.js';

export const BENCH_QUERY = /* GraphQL */ `
  fragment UserFields on User {
    id
    username
    name
  }
  fragment ReviewFields on Review {
    id
    body
  }
  fragment ProductFields on Product {
    inStock
    name
    price
    shippingEstimate
    upc
    weight
  }
  query GatewayComparison {
    users {
      ...UserFields
      reviews {
        ...ReviewFields
        product {
          ...ProductFields
          reviews {
            ...ReviewFields
            author {
              ...UserFields
              reviews {
                ...ReviewFields
                product {
                  ...ProductFields
                }
              }
            }
          }
        }
      }
    }
    topProducts {
      ...ProductFields
      reviews {
        ...ReviewFields
        author {
          ...UserFields
          reviews {
            ...ReviewFields
            product {
              ...ProductFields
            }
          }
        }
      }
    }
  }
`;

/** The HTTP body every client sends. */
export const BENCH_REQUEST_BODY = JSON.stringify({ query: BENCH_QUERY, operationName: 'GatewayComparison' });

const userOf = (review: BenchReview) => BENCH_DATA.users.find((user) => user.id === review.authorId) as BenchUser;
const productOf = (review: BenchReview) => BENCH_DATA.products.find((product) => product.upc === review.productUpc) as BenchProduct;

const userFields = (user: BenchUser) => ({ id: user.id, username: user.username, name: user.name });
const reviewFields = (review: BenchReview) => ({ id: review.id, body: review.body });
const productFields = (product: BenchProduct) => ({
  inStock: inStock(product.upc),
  name: product.name,
  price: product.price,
  shippingEstimate: shippingEstimate(product),
  upc: product.upc,
  weight: product.weight,
});

/** author { …UserFields reviews { …ReviewFields product { …ProductFields } } } */
const authorWithReviews = (user: BenchUser) => ({
  ...userFields(user),
  reviews: reviewsOfUser(user.id).map((review) => ({ ...reviewFields(review), product: productFields(productOf(review)) })),
});

/** The `data` every gateway must answer, computed from the data set, not from any gateway. */
export function expectedBenchData() {
  return {
    users: BENCH_DATA.users.map((user) => ({
      ...userFields(user),
      reviews: reviewsOfUser(user.id).map((review) => {
        const product = productOf(review);
        return {
          ...reviewFields(review),
          product: {
            ...productFields(product),
            reviews: reviewsOfProduct(product.upc).map((productReview) => ({
              ...reviewFields(productReview),
              author: authorWithReviews(userOf(productReview)),
            })),
          },
        };
      }),
    })),
    topProducts: BENCH_DATA.products.slice(0, DEFAULT_TOP_PRODUCTS).map((product) => ({
      ...productFields(product),
      reviews: reviewsOfProduct(product.upc).map((review) => ({ ...reviewFields(review), author: authorWithReviews(userOf(review)) })),
    })),
  };
}

const EXPECTED_DATA = expectedBenchData();
/** The answer as graphql-js serialises it (fields in query order, no extensions): most gateways send exactly this. */
const EXPECTED_TEXT = JSON.stringify({ data: EXPECTED_DATA });

/**
 * Why an answer of a gateway is wrong, or undefined when it is right: no `errors`, and `data` equal to
 * the expected data (which implies the shape). Byte-equal answers are accepted without parsing, so the
 * load generator can check every answer cheaply.
 */
export function checkBenchAnswer(body: string): string | undefined {
  if (body === EXPECTED_TEXT) return undefined;
  let answer: { data?: unknown; errors?: { message?: string }[] };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  if (answer.errors?.length) return `errors: ${answer.errors.map((error) => error.message).join('; ').slice(0, 300)}`;
  if (!isDeepStrictEqual(answer.data, EXPECTED_DATA)) return `unexpected data: ${JSON.stringify(answer.data).slice(0, 300)}`;
  return undefined;
}

/** For the load generator, which takes a checker of answers by module and export name (load/load-runner.ts). */
export const checkAnswer = checkBenchAnswer;
