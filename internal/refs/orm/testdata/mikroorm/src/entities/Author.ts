import { Entity, Property, ManyToOne, OneToMany, Embedded, Embeddable, Formula, Collection } from "@mikro-orm/core";
import { BaseEntity } from "./BaseEntity";
import { Publisher } from "./Publisher";

@Embeddable()
export class Address {
  @Property()
  streetName!: string;
}

@Entity({ tableName: "authors" })
export class Author extends BaseEntity {
  @Property()
  fullName!: string;

  @Property({ fieldName: "email_address" })
  email!: string;

  @Property({ lazy: true })
  bio?: string;

  @Property({ persist: false })
  get initials(): string {
    return "";
  }

  @Property({ persist: false })
  score?: number;

  @Formula("1 + 1")
  two?: number;

  @ManyToOne(() => Publisher)
  publisher!: Publisher;

  @OneToMany(() => Publisher, (p) => p.owner)
  owned = new Collection<Publisher>(this);

  @Embedded(() => Address)
  address!: Address;
}
