import { badInput } from '@pdn/errors';

/** A weekly slot as members enter it: wall-clock times in Europe/Paris. */
export interface Slot {
  weekday: number;
  startTime: string;
  endTime: string;
  network: string;
}

/** Three slots a day at most: more is a typing accident, not a schedule. */
export const MAX_SLOTS = 21;

const START = /^([01]\d|2[0-3]):[0-5]\d$/;
/** An end may also be "24:00", the end of the day: a slot never crosses midnight (enter two instead). */
const END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Checks a whole weekly schedule and returns it ordered by day and start. Slots are half-open
 * ([start, end)), so 18:00–20:00 and 20:00–21:00 touch without overlapping. A person cannot be on
 * two slots at once, so slots of the same day may not overlap even on different networks.
 */
export function validSchedule(slots: readonly Slot[], field = 'slots'): Slot[] {
  if (slots.length > MAX_SLOTS) throw badInput(field, `At most ${MAX_SLOTS} weekly slots.`);
  slots.forEach((slot, i) => {
    if (!Number.isInteger(slot.weekday) || slot.weekday < 1 || slot.weekday > 7) {
      throw badInput(`${field}.${i}.weekday`, 'The weekday is 1 (Monday) to 7 (Sunday).');
    }
    if (!START.test(slot.startTime)) throw badInput(`${field}.${i}.startTime`, `"${slot.startTime}" is not a time between 00:00 and 23:59 (HH:MM).`);
    if (!END.test(slot.endTime)) throw badInput(`${field}.${i}.endTime`, `"${slot.endTime}" is not a time between 00:01 and 24:00 (HH:MM).`);
    if (slot.endTime <= slot.startTime) {
      throw badInput(`${field}.${i}.endTime`, `The slot must end after it starts (${slot.startTime}); a slot past midnight is two slots, one ending at 24:00.`);
    }
  });
  const ordered = slots.map((slot, index) => ({ slot, index })).sort((a, b) => compareSlots(a.slot, b.slot) || a.index - b.index);
  let latest: { slot: Slot; index: number } | undefined;
  for (const current of ordered) {
    if (latest && latest.slot.weekday === current.slot.weekday && current.slot.startTime < latest.slot.endTime) {
      const [first, second] = latest.index < current.index ? [latest, current] : [current, latest];
      throw badInput(
        `${field}.${second.index}.startTime`,
        `This slot overlaps slot ${first.index} (${DAYS[first.slot.weekday - 1]} ${first.slot.startTime}–${first.slot.endTime}): one cannot be online on two slots at once.`,
      );
    }
    if (!latest || latest.slot.weekday !== current.slot.weekday || current.slot.endTime > latest.slot.endTime) latest = current;
  }
  return ordered.map((o) => o.slot);
}

export function compareSlots(a: Pick<Slot, 'weekday' | 'startTime'>, b: Pick<Slot, 'weekday' | 'startTime'>): number {
  return a.weekday - b.weekday || (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0);
}

/** Whether a slot covers a wall-clock moment; HH:MM strings compare in time order, "24:00" last. */
export function covers(slot: Pick<Slot, 'weekday' | 'startTime' | 'endTime'>, at: { weekday: number; time: string }): boolean {
  return slot.weekday === at.weekday && slot.startTime <= at.time && at.time < slot.endTime;
}
