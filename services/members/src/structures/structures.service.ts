import { Injectable } from '@nestjs/common';
import { normalizeForSearch } from '@pdn/database';
import { validate } from '@pdn/domain';
import { badInput as validateError, forbidden, notFound } from '@pdn/errors';
import { coordinates, type Caller } from '@pdn/identity';
import { decodeCursor, pageSize, toConnection, type Connection } from '@pdn/pagination';
import { partnerDepartments, partnerMaySee } from '@pdn/subgraph';
import type { StructureRow } from '../db/members.tables.js';
import { validChannels } from '../members/presence-channel.input.js';
import type { CreateStructureInput, StructureFilter, UpdateStructureInput } from './structure.input.js';
import { StructuresRepository, type NewStructure } from './structures.repository.js';

@Injectable()
export class StructuresService {
  constructor(private readonly structures: StructuresRepository) {}

  /** Structures are public: the directory of places where promeneurs work (a partner's, within its départements). */
  async get(caller: Caller, id: string): Promise<StructureRow | null> {
    const structure = await this.structures.findById(id);
    return structure && partnerMaySee(caller, structure.department) ? structure : null;
  }

  reference(id: string): Promise<StructureRow | null> {
    return this.structures.findById(id);
  }

  async list(caller: Caller, filter: StructureFilter | null | undefined, first?: number | null, after?: string | null): Promise<Connection<StructureRow>> {
    const limit = pageSize(first);
    const searching = !!filter?.search?.trim();
    const ordering = searching ? 'structures:rank' : 'structures:name';
    const cursor = decodeCursor(after, ordering, 2);
    const department = filter?.department ? validate.departmentCode('filter.department', filter.department) : null;
    const departments = partnerDepartments(caller, department) ?? (department ? [department] : null);
    const { rows, total } = await this.structures.page(
      { search: filter?.search, departments, kinds: filter?.kinds, commune: filter?.commune },
      limit + 1,
      cursor,
    );
    return toConnection(rows, limit, ordering, (r) => (searching ? [r.rank, r.id] : [r.searchText, r.id]), total);
  }

  async create(caller: Caller, input: CreateStructureInput): Promise<StructureRow> {
    const department = validate.departmentCode('input.department', input.department);
    if (!coordinates(caller, department)) throw forbidden(`Only the coordinators of département ${department} can add a structure there.`);
    const name = validate.text('input.name', input.name, { max: 160 });
    const commune = validate.text('input.commune', input.commune, { max: 120 });
    return this.structures.insert({
      name,
      kind: input.kind,
      commune,
      department,
      ...optionalFields(input),
      channels: validChannels('input.channels', input.channels ?? []),
      searchText: normalizeForSearch(`${name} ${commune}`),
    });
  }

  async update(caller: Caller, id: string, input: UpdateStructureInput): Promise<StructureRow> {
    const current = await this.structures.findById(id);
    if (!current) throw notFound('Structure', id);
    if (!coordinates(caller, current.department)) throw forbidden(`Only the coordinators of département ${current.department} can edit this structure.`);
    const name = input.name != null ? validate.text('input.name', input.name, { max: 160 }) : current.name;
    const commune = input.commune != null ? validate.text('input.commune', input.commune, { max: 120 }) : current.commune;
    const changes: Partial<NewStructure> = {
      name,
      commune,
      ...(input.kind ? { kind: input.kind } : {}),
      ...optionalFields(input),
      ...(input.channels ? { channels: validChannels('input.channels', input.channels) } : {}),
      searchText: normalizeForSearch(`${name} ${commune}`),
    };
    return (await this.structures.update(id, changes))!;
  }
}

/** Optional contact fields: absent leaves the value, null or '' clears it. */
function optionalFields(input: UpdateStructureInput): Partial<NewStructure> {
  const out: Partial<NewStructure> = {};
  const set = <K extends keyof NewStructure>(key: K, value: NewStructure[K]) => {
    out[key] = value;
  };
  if (input.address !== undefined) set('address', validate.optionalText('input.address', input.address, 200));
  if (input.postalCode !== undefined) {
    const postal = validate.optionalText('input.postalCode', input.postalCode, 5);
    if (postal && !/^\d{5}$/.test(postal)) throw validateError('input.postalCode', 'A French postal code has 5 digits.');
    set('postalCode', postal);
  }
  if (input.inseeCode !== undefined) {
    const insee = validate.optionalText('input.inseeCode', input.inseeCode, 5);
    if (insee && !/^(\d{5}|2[AB]\d{3})$/.test(insee)) throw validateError('input.inseeCode', 'An INSEE commune code has 5 characters, e.g. 32013.');
    set('inseeCode', insee);
  }
  if (input.email !== undefined) set('email', input.email ? validate.email('input.email', input.email) : null);
  if (input.phone !== undefined) set('phone', input.phone ? validate.frenchPhone('input.phone', input.phone) : null);
  if (input.website !== undefined) set('website', input.website ? validate.httpUrl('input.website', input.website) : null);
  return out;
}
