/**
 * For tests: awaits a call that must be refused with a DomainError of this code (and field), and
 * returns the error; fails with a message naming what came instead. Pass a function when the call
 * may throw before returning a promise.
 */
export async function refusal(
  call: Promise<unknown> | (() => unknown),
  code: string,
  field?: string,
): Promise<Error & { code: string; field?: string }> {
  let error: unknown;
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (e) {
    error = e;
  }
  if (!error) throw new Error(`expected a ${code} refusal, but the call succeeded`);
  const domain = error as { code?: string; field?: string; message: string };
  if (domain.code !== code || (field !== undefined && domain.field !== field)) {
    throw new Error(`expected ${code}${field ? ` on ${field}` : ''}, got ${domain.code ?? 'no code'}${domain.field ? ` on ${domain.field}` : ''}: ${domain.message}`);
  }
  return error as Error & { code: string; field?: string };
}
