exports.up = (pgm) => {
  pgm.createTable('users', {
    id: 'id',
    email: { type: 'text', notNull: true },
    nickname: { type: 'text' },
  });
};

exports.down = (pgm) => {
  pgm.dropTable('users');
};
