exports.up = (pgm) => {
  pgm.noTransaction();
  pgm.addColumn('users', { bio: { type: 'text' } });
  pgm.createIndex('users', 'bio', { concurrently: true });
};

exports.down = (pgm) => {
  pgm.dropColumn('users', 'bio');
};
