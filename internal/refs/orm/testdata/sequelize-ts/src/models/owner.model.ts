import { Table, Column, Model } from "sequelize-typescript";

@Table
export class Owner extends Model {
  @Column
  name!: string;
}
