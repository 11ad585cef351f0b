import { Entity, PrimaryKey, Property, OneToOne } from "@mikro-orm/core";
import { Author } from "./Author";

@Entity()
export class BookPublisher {
  @PrimaryKey()
  id!: number;

  @Property()
  name!: string;

  @OneToOne(() => Author, (a) => a.publisher)
  owner?: Author;
}

export { BookPublisher as Publisher };

@Entity({ abstract: true })
export abstract class Draft {
  @Property()
  title!: string;
}
