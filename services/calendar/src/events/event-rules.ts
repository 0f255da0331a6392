import { validate } from '@pdn/domain';
import { badInput } from '@pdn/errors';
import { coordinates, type Caller } from '@pdn/identity';

/** What every event must satisfy, whether created or edited. */
export interface EventFields {
  kind: string;
  title: string;
  description: string | null;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineUrl: string | null;
  department: string;
  themes: string[];
  capacity: number | null;
  joinMode: string;
  registrationDeadline: Date | null;
}

export const MAX_THEMES = 8;
export const MAX_CAPACITY = 10_000;

/**
 * Checks and normalises the fields of an event as they will be stored, naming the input path of the
 * first offending one (`input.endsAt`…). Run on the merged values of an update, so a new start date
 * is checked against the end date already stored.
 */
export function validEventFields(fields: EventFields): EventFields {
  const title = validate.text('input.title', fields.title, { min: 3, max: 200 });
  const description = fields.description?.trim() ? fields.description.trim() : null;
  if (description && description.length > 5000) throw badInput('input.description', 'At most 5,000 characters.');
  const location = validate.optionalText('input.location', fields.location, 300);
  const onlineUrl = fields.onlineUrl?.trim() ? validate.httpUrl('input.onlineUrl', fields.onlineUrl) : null;
  const department = validate.departmentCode('input.department', fields.department);
  const themes = [...new Set(fields.themes)];
  if (themes.length > MAX_THEMES) throw badInput('input.themes', `At most ${MAX_THEMES} themes.`);
  if (fields.capacity !== null && (!Number.isInteger(fields.capacity) || fields.capacity < 1 || fields.capacity > MAX_CAPACITY)) {
    throw badInput('input.capacity', `The capacity is a whole number of seats from 1 to ${MAX_CAPACITY}, or null for no limit.`);
  }
  if (fields.endsAt.getTime() <= fields.startsAt.getTime()) throw badInput('input.endsAt', 'The event must end after it starts.');
  if (fields.registrationDeadline && fields.registrationDeadline.getTime() >= fields.endsAt.getTime()) {
    throw badInput('input.registrationDeadline', 'The registration deadline must be before the end of the event.');
  }
  return { ...fields, title, description, location, onlineUrl, department, themes };
}

/** Drafts are the coordinators' work in progress: seen only in the département that runs them. */
export function canSeeEvent(caller: Caller, event: { status: string; department: string }): boolean {
  return event.status !== 'DRAFT' || coordinates(caller, event.department);
}

/** Creating, editing, deciding and recording attendance: coordinators of the event's département. */
export function canManageEvent(caller: Caller, event: { department: string }): boolean {
  return coordinates(caller, event.department);
}
