import { Field, InputType } from '@nestjs/graphql';
import { Matches, MaxLength, MinLength } from 'class-validator';

@InputType()
export class RegisterSiteInput {
  @Field({ description: 'Unique, 1-100 characters of letters, digits, dot, dash, underscore.' })
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'name may only hold letters, digits, ".", "-" and "_"' })
  name!: string;
}
