import { Table, Column, Model, DataType, ForeignKey, BelongsTo, CreatedAt, PrimaryKey } from "sequelize-typescript";
import { Owner } from "./owner.model";

@Table({ tableName: "accounts", underscored: true, timestamps: true, updatedAt: false })
export class Account extends Model {
  @PrimaryKey
  @Column
  id!: number;

  @Column(DataType.TEXT)
  displayName!: string;

  @Column({ type: DataType.STRING, field: "mail" })
  email!: string;

  @ForeignKey(() => Owner)
  @Column
  ownerId!: number;

  @BelongsTo(() => Owner)
  owner!: Owner;

  @CreatedAt
  opened!: Date;

  get label(): string {
    return this.displayName;
  }
}
