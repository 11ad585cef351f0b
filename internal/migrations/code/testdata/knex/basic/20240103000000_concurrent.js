exports.config = { transaction: false };

exports.up = async (knex) => {
  await knex.raw('CREATE INDEX CONCURRENTLY people_email ON people (email)');
};

exports.down = async () => {};
