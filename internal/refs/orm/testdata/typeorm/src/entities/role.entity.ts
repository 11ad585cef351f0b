import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity()
export class Role {
  @PrimaryColumn()
  code!: string;

  @Column()
  title!: string;
}
