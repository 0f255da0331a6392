import { membersSettingsSchema } from '@pdn/members/config';

/**
 * Every generated member signs in with this password (bench scenarios log in as any of them).
 * Hashing 4,000 passwords with argon2id would take minutes, so all rows share one hash, computed
 * once with the members subgraph's parameters (argon2id, 19 MiB, 2 passes, 1 lane): a sign-in
 * verifies it exactly as it verifies a real member's. A spec checks that the two still match.
 */
export const BENCH_PASSWORD = 'promeneur-bench-pdn';

export const BENCH_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$LHfs7myHShK6zj5C+EmuUg$LpBrR3p2LAYwv/jW2nXpulg7qBKfu2WVAjW+u35BxMI';

/**
 * The charter version members must have accepted to be ACTIVE: the members subgraph's setting
 * (CHARTER_VERSION, same environment variable and default), so generated ACTIVE members are valid.
 */
export const CHARTER_VERSION = membersSettingsSchema.shape.CHARTER_VERSION.parse(process.env['CHARTER_VERSION']);
