/* Not generated yet: `npm run compose && npm run codegen` writes this file from libs/client/schema.graphql
 * and libs/client/src/operations/*.graphql. Do not edit. */
export {};
