import { Column } from "typeorm";

export class Address {
  @Column()
  street!: string;

  @Column({ name: "zip" })
  zipCode!: string;
}
