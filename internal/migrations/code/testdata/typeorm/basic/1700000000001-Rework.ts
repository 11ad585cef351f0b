import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

export class Rework1700000000001 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        const table = await queryRunner.getTable("users");
        await queryRunner.addColumn("users", new TableColumn({ name: "email", type: "varchar", isNullable: true }));
        await queryRunner.dropColumn(table!, "legacy");
        await queryRunner.renameColumn("users", "name", "full_name");
        await queryRunner.changeColumn("users", "email", new TableColumn({ name: "email", type: "text" }));
        await queryRunner.query(`ALTER TABLE "users" ADD "age" ${type}`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.renameColumn("users", "full_name", "name");
    }
}
