import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

export class AddBio1700000000001 implements MigrationInterface {
  name = "AddBio1700000000001";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("users", new TableColumn({ name: "bio", type: "text", isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("users", "bio");
  }
}
