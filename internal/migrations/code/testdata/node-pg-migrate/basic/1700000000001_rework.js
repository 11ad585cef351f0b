exports.up = (pgm) => {
  pgm.addColumns('users', { email: { type: 'text', default: pgm.func('gen_random_uuid()::text') } });
  pgm.dropColumn('users', 'legacy');
  pgm.renameColumn('users', 'name', 'full_name');
  pgm.addConstraint('users', 'users_email_key', { unique: 'email' });
  pgm.renameTable('users', 'people');
};

exports.down = (pgm) => {
  pgm.renameTable('people', 'users');
};
