import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateUsers1700000000000 implements MigrationInterface {
  name = "CreateUsers1700000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" character varying NOT NULL, "nickname" character varying, CONSTRAINT "PK_users" PRIMARY KEY ("id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
