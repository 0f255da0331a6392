/** Injectable time, so tests can move it (expiries, throttling, "online now", deadlines). */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('CLOCK');
export const systemClock: Clock = { now: () => new Date() };
