import { badInput } from '@pdn/errors';

/**
 * Validators for the values members type in. Each one names the input path it checks and returns the
 * normalised value, so services store one spelling of a phone number or an e-mail address.
 */

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function email(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) throw badInput(field, `"${value}" is not a valid e-mail address.`);
  return trimmed.toLowerCase();
}

/** French numbers, stored as E.164 (+33…): "05 62 61 00 00", "+33 5 62…", "0033 5…", overseas included. */
export function frenchPhone(field: string, value: string): string {
  const compact = value.replace(/[\s.\-()]/g, '');
  let national: string | undefined;
  if (/^0[1-9]\d{8}$/.test(compact)) national = compact.slice(1);
  else if (/^\+33[1-9]\d{8}$/.test(compact)) national = compact.slice(3);
  else if (/^0033[1-9]\d{8}$/.test(compact)) national = compact.slice(4);
  if (!national) throw badInput(field, `"${value}" is not a French phone number (e.g. 05 62 61 00 00 or +33 5 62 61 00 00).`);
  return `+33${national}`;
}

export function httpUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw badInput(field, `"${value}" is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(field, 'Only http and https links are accepted.');
  if (value.length > 2048) throw badInput(field, 'This URL is too long (2048 characters at most).');
  return url.toString();
}

const DEPARTMENT = /^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$/;

/** INSEE département codes: 01–95 (20 is split into 2A and 2B), 971–976 overseas. */
export function departmentCode(field: string, value: string): string {
  const code = value.trim().toUpperCase();
  if (!DEPARTMENT.test(code) || code === '20') {
    throw badInput(field, `"${value}" is not a French département code (01–95, 2A, 2B, 971–976).`);
  }
  return code;
}

export function isDepartmentCode(value: string): boolean {
  return DEPARTMENT.test(value) && value !== '20';
}

export function text(field: string, value: string, { min = 1, max }: { min?: number; max: number }): string {
  const trimmed = value.trim().replace(/\s+/g, ' ');
  if (trimmed.length < min) throw badInput(field, min === 1 ? 'This cannot be empty.' : `At least ${min} characters.`);
  if (trimmed.length > max) throw badInput(field, `At most ${max} characters.`);
  return trimmed;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return text(field, value, { max });
}

export function weeklyHours(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 2 || value > 35) {
    throw badInput(field, 'The weekly online commitment is between 2 and 35 hours.');
  }
  return Math.round(value * 4) / 4;
}

const HANDLE_RULES: Record<string, RegExp> = {
  INSTAGRAM: /^@?[A-Za-z0-9._]{1,30}$/,
  TIKTOK: /^@?[A-Za-z0-9._]{2,24}$/,
  SNAPCHAT: /^@?[A-Za-z][A-Za-z0-9._-]{2,14}$/,
  X: /^@?[A-Za-z0-9_]{1,15}$/,
  TWITCH: /^@?[A-Za-z0-9_]{4,25}$/,
  DISCORD: /^@?[a-z0-9_.]{2,32}$/,
  YOUTUBE: /^@?[A-Za-z0-9._-]{3,30}$/,
  WHATSAPP: /^\+?[0-9 ]{8,20}$/,
};

/** A professional handle on a social network, in that network's format. */
export function handle(field: string, network: string, value: string): string {
  const trimmed = value.trim();
  const rule = HANDLE_RULES[network] ?? /^[^\s<>]{1,100}$/u;
  if (network === 'FACEBOOK' || network === 'SKYPE' || network === 'OTHER') {
    if (!/^[^<>]{1,100}$/u.test(trimmed)) throw badInput(field, `"${value}" is not a valid ${network} name.`);
    return trimmed;
  }
  if (!rule.test(trimmed)) throw badInput(field, `"${value}" is not a valid ${network.toLowerCase()} handle.`);
  return trimmed;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs: anything else cannot exist, and is answered as not found rather than sent to SQL. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
