import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { User } from "./user.entity";

@Entity({ schema: "crm" })
export class CompanyAccount {
  @PrimaryGeneratedColumn("uuid")
  uuid!: string;

  @Column("varchar", { length: 200 })
  name!: string;

  @OneToMany(() => User, (u) => u.company)
  users!: User[];
}
