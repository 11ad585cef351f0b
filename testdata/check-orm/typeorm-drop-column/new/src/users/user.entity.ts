import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity("users")
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  nickname!: string;

  @CreateDateColumn({ name: "created_at" })
  createdAt!: Date;
}
