import { Column, Entity, JoinTable, ManyToMany, ManyToOne, OneToMany, OneToOne, JoinColumn } from "typeorm";
import { Field, ObjectType } from "@nestjs/graphql";
import { AppBaseEntity } from "./base.entity";
import { Address } from "./address";
import { CompanyAccount } from "./company.entity";
import { Role } from "./role.entity";

/**
 * @Column() legacyComment: a comment is not a column.
 */
@ObjectType()
@Entity("users")
export class User extends AppBaseEntity {
  @Field()
  @Column()
  nickname!: string;

  @Column({ name: "first_name", nullable: true })
  firstName?: string;

  @Column({ select: false })
  passwordHash!: string;

  @Column({ select: false, insert: false, update: false })
  legacy?: string;

  @ManyToOne(() => CompanyAccount, (c) => c.users)
  company!: CompanyAccount;

  @OneToOne(() => Role)
  @JoinColumn({ name: "main_role_id" })
  mainRole?: Role;

  @Column(() => Address)
  address!: Address;

  @Column(() => Address, { prefix: "bill" })
  billing!: Address;

  @ManyToMany(() => Role)
  @JoinTable()
  roles!: Role[];

  @Field()
  displayName!: string;

  static count = 0;

  get label(): string {
    return this.nickname;
  }
}
