import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

export class DropNickname1700000000001 implements MigrationInterface {
  name = "DropNickname1700000000001";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("users", "nickname");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("users", new TableColumn({ name: "nickname", type: "varchar", isNullable: true }));
  }
}
