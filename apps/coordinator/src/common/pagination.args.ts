import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 500;

/** Offset pagination; every list returns `totalCount` so clients know when to stop. */
@ArgsType()
export class PaginationArgs {
  @Field(() => Int, { defaultValue: 0, description: 'Items to skip.' })
  @IsInt()
  @Min(0)
  offset = 0;

  @Field(() => Int, { defaultValue: 50, description: `Items to return (1..${MAX_PAGE_SIZE}).` })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit = 50;
}
