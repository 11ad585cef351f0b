module.exports = class Concurrent1700000000002 {
    transaction = false;

    async up(queryRunner) {
        await queryRunner.query('CREATE INDEX CONCURRENTLY "users_email" ON "users" ("email")');
    }

    async down(queryRunner) {}
};
