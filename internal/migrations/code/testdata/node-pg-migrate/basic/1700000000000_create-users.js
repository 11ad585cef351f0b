/* eslint-disable camelcase */
exports.shorthands = {
  createdAt: { type: 'timestamp', notNull: true, default: 'now()' },
};

exports.up = (pgm) => {
  pgm.createTable('users', {
    id: 'id',
    name: { type: 'varchar(1000)', notNull: true },
    legacy: { type: 'text' },
    created_at: 'createdAt',
  });
  pgm.sql(`UPDATE users SET name = trim(name)`);
};

exports.down = (pgm) => {
  pgm.dropTable('users');
};
