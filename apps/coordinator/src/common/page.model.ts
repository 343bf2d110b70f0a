import { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';

export interface PageShape<T> {
  items: T[];
  totalCount: number;
  hasMore: boolean;
}

/** `XPage { items, totalCount, hasMore }` for an item type (the nest code-first generic pattern). */
export function Paginated<T>(item: Type<T>): Type<PageShape<T>> {
  @ObjectType({ isAbstract: true })
  abstract class PageType implements PageShape<T> {
    @Field(() => [item])
    items!: T[];

    @Field(() => Int)
    totalCount!: number;

    @Field()
    hasMore!: boolean;
  }
  return PageType as Type<PageShape<T>>;
}

export function toPage<R, T>(
  page: { items: R[]; totalCount: number },
  offset: number,
  map: (record: R) => T,
): PageShape<T> {
  return {
    items: page.items.map(map),
    totalCount: page.totalCount,
    hasMore: offset + page.items.length < page.totalCount,
  };
}
