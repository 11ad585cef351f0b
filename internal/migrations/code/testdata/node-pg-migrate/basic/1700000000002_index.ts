import { MigrationBuilder } from 'node-pg-migrate';

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.noTransaction();
  pgm.createIndex('people', 'email', { concurrently: true, unique: true });
  pgm.dropTable({ schema: 'archive', name: 'old_people' }, { ifExists: true });
}

export async function down(pgm: MigrationBuilder): Promise<void> {}
