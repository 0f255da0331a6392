import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

/**
 * The members subgraph's Structure, as feed sees it: its key only. `Post.structure` returns it and
 * federation resolves its name, commune… in members.
 */
@ObjectType()
@Directive('@key(fields: "id")')
export class Structure {
  @Field(() => ID)
  id!: string;
}

/** What a field that points to a structure returns: federation resolves the rest in members. */
export function structureReference(id: string): Structure {
  return { id };
}
