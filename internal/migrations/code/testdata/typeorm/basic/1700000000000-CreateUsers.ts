import { MigrationInterface, QueryRunner, Table } from "typeorm";

export class CreateUsers1700000000000 implements MigrationInterface {
    name = "CreateUsers1700000000000";

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createTable(new Table({
            name: "users",
            columns: [
                { name: "id", type: "int", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
                { name: "name", type: "varchar", length: "100" },
                { name: "legacy", type: "text", isNullable: true },
            ],
        }), true);
        await queryRunner.query(`CREATE INDEX "IDX_users_name" ON "users" ("name")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable("users");
    }
}
