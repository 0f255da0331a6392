export { BENCH_PASSWORD } from './password.js';
export { BENCH_EMAIL_DOMAIN, memberEmail } from './network.js';
export { NAMED_SCALES, NATIONAL, parseScale, targetsFor, type DatasetTargets } from './scale.js';
export {
  DEFAULT_SEED,
  DEFAULT_WRITERS,
  defaultReferenceDate,
  generateDataset,
  planDataset,
  SERVICES,
  type DatasetDatabase,
  type DatasetSummary,
  type GenerateDatasetOptions,
  type ServiceName,
} from './generate.js';
